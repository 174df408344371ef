package io.crossbank.events;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A failed publication is retried only after ten minutes instead of two seconds, so that an event waiting for its
 * retry stays visibly waiting, and only a re-drive can make it go out within a test. Sent rows are kept five
 * seconds instead of a day and pruning runs every second, so that pruning can be seen within a test.
 */
public class SlowRetriesShortRetentionProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("crossbank.events.retry-initial-backoff", "10m", "crossbank.events.retry-max-backoff", "10m",
                "crossbank.events.retention", "5s", "crossbank.events.prune-period", "1s");
    }
}
