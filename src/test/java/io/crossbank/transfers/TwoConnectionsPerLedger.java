package io.crossbank.transfers;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Each ledger's pool (and the benchmark's non-XA twins, which follow it) holds two connections, and the
 * benchmark-only endpoints are on: many clients then wait for pooled connections, so a transfer path that
 * took the two pools in a varying order would see opposing transfers hold each other's last connection.
 */
public class TwoConnectionsPerLedger implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.datasource.postgres.jdbc.max-size", "2", "quarkus.datasource.mysql.jdbc.max-size", "2",
                "crossbank.bench.baseline.enabled", "true");
    }
}
