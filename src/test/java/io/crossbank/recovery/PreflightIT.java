package io.crossbank.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.crossbank.support.AppProcess;
import io.crossbank.support.PackagedApps;

/** The packaged app refuses to start on a setup where two-phase commit could not be trusted, and says why. */
class PreflightIT {

    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on("crossbank_it_preflight");

    // Narayana itself refuses the long node name, and cannot create its recovery modules on an unwritable object
    // store, before the preflight runs; the test pins what the log says.
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "QUARKUS_TRANSACTION_MANAGER_NODE_NAME, quarkus, XA preflight failed, set quarkus.transaction-manager.node-name",
            "QUARKUS_DATASOURCE_POSTGRES_JDBC_MAX_SIZE, 500, XA preflight failed, set max_prepared_transactions",
            "QUARKUS_TRANSACTION_MANAGER_NODE_NAME, a-node-name-longer-than-28-bytes, ARJUNA012138, Node name cannot exceed 28 bytes",
            "QUARKUS_TRANSACTION_MANAGER_OBJECT_STORE_DIRECTORY, /proc/crossbank-store, No XA recovery module, point quarkus.transaction-manager.object-store.directory" })
    void startupStopsWithAMessageNamingTheFix(String variable, String value, String failure, String fix) {
        AppProcess app = APPS.app("preflight").with(variable, value);

        assertThatThrownBy(app::start).hasMessageContaining("exited");
        assertThat(app.logText()).contains(failure).contains(fix);
    }
}
