package io.crossbank.recovery;

import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.Config;

import com.arjuna.ats.internal.jta.recovery.arjunacore.XARecoveryModule;
import com.mysql.cj.jdbc.MysqlXADataSource;

import org.postgresql.xa.PGXADataSource;

import io.crossbank.ledger.LedgerName;
import io.crossbank.recovery.commitmarkable.LedgerNaming;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Names the ledgers' XA resources for Narayana, at enlistment and in every recovery pass, before any
 * transfer runs. Both ledgers are registered whether or not a request has used them yet.
 */
@ApplicationScoped
public class LedgerRecoveryRegistration {

    private List<LedgerRecoveryHelper> helpers = List.of();

    void register(@Observes @Priority(1) StartupEvent event, Config config) {
        XARecoveryModule module = XARecoveryModule.getRegisteredXARecoveryModule();
        if (module == null) {
            if (config.getOptionalValue("quarkus.transaction-manager.enable-recovery", Boolean.class).orElse(false)) {
                // Narayana could not create its recovery modules (ARJUNA048006 above): nothing would ever resolve a
                // prepared branch. Agroal's own registration used to fail startup here (ARJUNA032011); this is that.
                throw new IllegalStateException("No XA recovery module to register the ledgers with: Narayana could not create it"
                        + " -> fix: point quarkus.transaction-manager.object-store.directory at a persistent, writable directory");
            }
            Log.warn("Transaction recovery is disabled: in-doubt branches will not be resolved after a crash");
            return;
        }
        PGXADataSource postgres = new PGXADataSource();
        postgres.setURL(config.getValue("quarkus.datasource.postgres.jdbc.url", String.class));
        postgres.setUser(config.getValue("quarkus.datasource.postgres.username", String.class));
        postgres.setPassword(config.getOptionalValue("quarkus.datasource.postgres.password", String.class).orElse(null));
        MysqlXADataSource mysql = new MysqlXADataSource();
        mysql.setURL(config.getValue("quarkus.datasource.mysql.jdbc.url", String.class));
        mysql.setUser(config.getValue("quarkus.datasource.mysql.username", String.class));
        mysql.setPassword(config.getOptionalValue("quarkus.datasource.mysql.password", String.class).orElse(null));
        helpers = List.of(new LedgerRecoveryHelper(LedgerXaResourceNames.POSTGRES, postgres),
                new LedgerRecoveryHelper(LedgerXaResourceNames.MYSQL, mysql));
        helpers.forEach(module::addXAResourceRecoveryHelper);
        // The commit-markable recovery module's lookups, in every mode: a log record written in another mode still
        // names a ledger's marker table. Fresh connections, like the XA resources above.
        LedgerNaming.install();
        LedgerNaming.bind(LedgerName.POSTGRES, postgres::getConnection);
        LedgerNaming.bind(LedgerName.MYSQL, mysql::getConnection);
        Log.infof("Recovery registered for %s and %s", LedgerXaResourceNames.POSTGRES, LedgerXaResourceNames.MYSQL);
    }

    void unregister(@Observes ShutdownEvent event) {
        LedgerNaming.unbind(LedgerName.POSTGRES);
        LedgerNaming.unbind(LedgerName.MYSQL);
        XARecoveryModule module = XARecoveryModule.getRegisteredXARecoveryModule();
        for (LedgerRecoveryHelper helper : helpers) {
            if (module != null) {
                module.removeXAResourceRecoveryHelper(helper);
            }
            helper.close();
        }
    }
}
