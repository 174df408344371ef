package io.crossbank.ops;

import io.crossbank.ops.indoubt.InDoubtBranch;
import io.crossbank.ops.indoubt.InDoubtScan;
import java.time.Instant;
import java.util.List;

/**
 * What one recovery pass changed: the in-doubt list before and after, and the difference.
 *
 * @param resolved branches listed before and gone after (committed or rolled back, by recovery or anyone else)
 * @param appeared branches prepared meanwhile (usually transfers in flight)
 */
public record RecoveryReport(Instant startedAt, long durationMillis, InDoubtScan before, InDoubtScan after,
        List<InDoubtBranch> resolved, List<InDoubtBranch> appeared) {
}
