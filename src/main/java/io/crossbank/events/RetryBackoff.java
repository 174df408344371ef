package io.crossbank.events;

import java.time.Duration;

/** The pause before a failed row is tried again: doubling from the initial backoff, capped at the maximum. */
record RetryBackoff(Duration initial, Duration max) {

    /** @param attemptsBefore the attempts the row had before the one that just failed */
    Duration after(int attemptsBefore) {
        Duration backoff = initial;
        for (int i = 0; i < attemptsBefore && backoff.compareTo(max) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(max) < 0 ? backoff : max;
    }
}
