package io.crossbank.recovery;

import java.util.concurrent.atomic.AtomicLong;

import com.arjuna.ats.arjuna.recovery.RecoveryModule;

/**
 * Counts completed recovery passes. Added last to the recovery manager, so its second phase runs after every
 * other module's: when it counts, the whole pass is done.
 */
public class RecoveryPassCounter implements RecoveryModule {

    private final AtomicLong passes = new AtomicLong();

    @Override
    public void periodicWorkFirstPass() {
        // nothing: a pass is complete only after the second phase
    }

    @Override
    public void periodicWorkSecondPass() {
        passes.incrementAndGet();
    }

    public long passes() {
        return passes.get();
    }
}
