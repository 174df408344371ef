package io.crossbank.recovery;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import com.arjuna.ats.arjuna.recovery.RecoveryModule;

/**
 * Counts completed recovery passes and keeps when the last one ended. Added last to the recovery manager, so its
 * second phase runs after every other module's: when it counts, the whole pass is done.
 */
public class RecoveryPassCounter implements RecoveryModule {

    private final AtomicLong passes = new AtomicLong();
    private volatile Instant lastCompletedAt;

    @Override
    public void periodicWorkFirstPass() {
        // nothing: a pass is complete only after the second phase
    }

    @Override
    public void periodicWorkSecondPass() {
        lastCompletedAt = Instant.now();
        passes.incrementAndGet();
    }

    public long passes() {
        return passes.get();
    }

    /** Null until the first pass has completed. */
    public Instant lastCompletedAt() {
        return lastCompletedAt;
    }
}
