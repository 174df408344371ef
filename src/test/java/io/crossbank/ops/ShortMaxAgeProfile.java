package io.crossbank.ops;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A branch counts as stuck after one second instead of two minutes, and the cached scan is renewed every
 * second, so the readiness check can be seen going DOWN and back UP within a few seconds. Recovery still runs
 * (every 5 s) but presumes an orphan of this node aborted only after ten minutes, so an orphan a test prepares
 * stays observable for the whole test instead of racing the next recovery pass.
 */
public class ShortMaxAgeProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("crossbank.in-doubt.max-age", "1s", "crossbank.in-doubt.scan-interval", "1s",
                "crossbank.recovery.orphan-safety-interval", "10m");
    }
}
