package io.crossbank.recovery;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** How fast Narayana's recovery manager resolves in-doubt branches (see application.properties). */
@ConfigMapping(prefix = "crossbank.recovery")
public interface RecoverySettings {

    /** Pause between two recovery passes. */
    Duration period();

    /** Pause between the two phases of one recovery pass. */
    Duration backoff();

    /** Minimum age of a prepared branch without a log record before it is presumed aborted. */
    Duration orphanSafetyInterval();
}
