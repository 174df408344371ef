package io.crossbank.recovery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.crossbank.CrossbankConfig;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;
import io.crossbank.problems.DatabaseFailures;
import io.crossbank.recovery.commitmarkable.CommitMarkableLedger;
import io.crossbank.recovery.commitmarkable.CommitMarkableNames;
import io.quarkus.runtime.LaunchMode;

/**
 * Checks what XA needs from the databases and from this instance before a single transfer runs: a
 * misconfiguration found here would otherwise surface as a stuck or silently lost branch after a crash.
 */
@ApplicationScoped
public class XaPreflight {

    /** Narayana writes the node name into every Xid, where it has room for 28 bytes. */
    static final int MAX_NODE_NAME_BYTES = 28;
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)");

    private final DataSource postgres;
    private final DataSource mysql;
    private final int postgresPoolSize;
    private final String nodeName;
    private final String objectStoreType;
    private final String objectStoreDirectory;
    private final boolean participantNamesInstalled;
    private final CommitMarkableLedger commitMarkable;

    XaPreflight(Ledgers ledgers, CrossbankConfig config,
            @ConfigProperty(name = "quarkus.datasource.postgres.jdbc.max-size") int postgresPoolSize,
            @ConfigProperty(name = "quarkus.transaction-manager.node-name") String nodeName,
            @ConfigProperty(name = "quarkus.transaction-manager.object-store.type", defaultValue = "file-system") String objectStoreType,
            @ConfigProperty(name = "quarkus.transaction-manager.object-store.directory") String objectStoreDirectory) {
        this.postgres = ledgers.get(LedgerName.POSTGRES).dataSource();
        this.mysql = ledgers.get(LedgerName.MYSQL).dataSource();
        this.postgresPoolSize = postgresPoolSize;
        this.nodeName = nodeName;
        this.objectStoreType = objectStoreType;
        this.objectStoreDirectory = objectStoreDirectory;
        // Narayana's participant records read the plugin once, at startup: the answer cannot change later.
        this.participantNamesInstalled = LedgerXaResourceNames.installed();
        this.commitMarkable = config.xa().commitMarkableLedger();
    }

    public List<PreflightCheck> run() {
        return List.of(postgresPreparedTransactions(), mysqlVersion(), mysqlXaRecover(), nodeName(), objectStore(),
                participantNames(), commitMarkableLedger());
    }

    PreflightCheck postgresPreparedTransactions() {
        String name = "postgres max_prepared_transactions";
        try (Connection c = postgres.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW max_prepared_transactions")) {
            rs.next();
            int max = Integer.parseInt(rs.getString(1));
            if (max >= postgresPoolSize) {
                return PreflightCheck.passed(name, max + " >= pool size " + postgresPoolSize);
            }
            return PreflightCheck.failed(name, max + " < pool size " + postgresPoolSize,
                    "set max_prepared_transactions = " + Math.max(postgresPoolSize, 64)
                            + " in postgresql.conf (or -c max_prepared_transactions=…) and restart PostgreSQL");
        } catch (SQLException | RuntimeException e) {
            return unreachable(name, "postgres", e);
        }
    }

    PreflightCheck mysqlVersion() {
        String name = "mysql version";
        try (Connection c = mysql.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
            rs.next();
            String version = rs.getString(1);
            Matcher m = VERSION.matcher(version);
            if (!m.find()) {
                return PreflightCheck.failed(name, "unrecognised version " + version, "use MySQL >= 8.0 or MariaDB >= 10.5");
            }
            int major = Integer.parseInt(m.group(1));
            int minor = Integer.parseInt(m.group(2));
            boolean mariadb = version.toLowerCase().contains("mariadb");
            boolean supported = mariadb ? major > 10 || (major == 10 && minor >= 5) : major >= 8;
            return supported
                    ? PreflightCheck.passed(name, version)
                    : PreflightCheck.failed(name, version + ": older servers drop prepared XA branches when the client disconnects",
                            "upgrade to MySQL >= 8.0 or MariaDB >= 10.5");
        } catch (SQLException | RuntimeException e) {
            return unreachable(name, "mysql", e);
        }
    }

    PreflightCheck mysqlXaRecover() {
        String name = "mysql XA RECOVER";
        try (Connection c = mysql.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("XA RECOVER")) {
            int branches = 0;
            while (rs.next()) {
                branches++;
            }
            return PreflightCheck.passed(name, "allowed for the application user (" + branches + " prepared branches visible)");
        } catch (SQLException e) {
            if (DatabaseFailures.isUnavailable(e)) {
                return unreachable(name, "mysql", e);
            }
            return PreflightCheck.failed(name, "the application user may not run XA RECOVER: " + e.getMessage(),
                    "GRANT XA_RECOVER_ADMIN ON *.* TO <application user> (MySQL 8), or recovery cannot see prepared branches");
        } catch (RuntimeException e) {
            return unreachable(name, "mysql", e);
        }
    }

    PreflightCheck nodeName() {
        String name = "transaction manager node name";
        int bytes = nodeName.getBytes(StandardCharsets.UTF_8).length;
        if (nodeName.isBlank() || nodeName.equals("quarkus")) {
            return PreflightCheck.failed(name, "'" + nodeName + "' is the default shared by every Quarkus instance",
                    "set quarkus.transaction-manager.node-name (QUARKUS_TRANSACTION_MANAGER_NODE_NAME) to a name unique to this instance");
        }
        if (bytes > MAX_NODE_NAME_BYTES) {
            return PreflightCheck.failed(name, "'" + nodeName + "' has " + bytes + " bytes; Xids hold " + MAX_NODE_NAME_BYTES,
                    "choose a node name of at most " + MAX_NODE_NAME_BYTES + " bytes");
        }
        return PreflightCheck.passed(name, nodeName);
    }

    PreflightCheck objectStore() {
        String name = "object store";
        if (!"file-system".equals(objectStoreType)) {
            return PreflightCheck.passed(name, objectStoreType + " store (checked by Narayana at startup)");
        }
        Path directory = Path.of(objectStoreDirectory).toAbsolutePath();
        try {
            Files.createDirectories(directory);
            Path probe = Files.createTempFile(directory, ".preflight", ".tmp");
            Files.delete(probe);
            return PreflightCheck.passed(name, directory + " is writable");
        } catch (IOException | SecurityException e) {
            return PreflightCheck.failed(name, directory + " is not writable: " + e.getMessage(),
                    "point quarkus.transaction-manager.object-store.directory at a persistent, writable directory");
        }
    }

    PreflightCheck participantNames() {
        String name = "participant record names";
        if (participantNamesInstalled) {
            return PreflightCheck.passed(name, "each ledger's branch is logged with its name, so recovery can tell it completed");
        }
        if (LaunchMode.current() == LaunchMode.TEST) {
            return PreflightCheck.passed(name, "not installed in test mode (@QuarkusTest does not start through "
                    + "io.crossbank.CrossbankMain); the packaged app and dev mode have it");
        }
        return PreflightCheck.failed(name, "Narayana logs unnamed participants; a crash after a commit leaves a record that never clears",
                "start through io.crossbank.CrossbankMain (java -jar and quarkus:dev do), or set -D" + LedgerXaResourceNames.PROPERTY
                        + "=" + LedgerXaResourceNames.class.getName());
    }

    PreflightCheck commitMarkableLedger() {
        String name = "commit-markable ledger";
        if (commitMarkable.ledger().isEmpty()) {
            return PreflightCheck.passed(name, "none: both ledgers take part as XA branches");
        }
        LedgerName ledger = commitMarkable.ledger().get();
        if (!CommitMarkableNames.installed(ledger)) {
            return PreflightCheck.failed(name, ledger.apiName() + " is not listed as commit-markable: it would commit as a plain last resource",
                    "start through io.crossbank.CrossbankMain, or set -D" + CommitMarkableNames.PROPERTY);
        }
        if (!CommitMarkableNames.recoveryModuleRunning()) {
            return PreflightCheck.failed(name, "no recovery module reads the marker rows of " + ledger.apiName(),
                    "keep com.arjuna.ats.internal.jta.recovery.arjunacore.CommitMarkableResourceRecordRecoveryModule in quarkus.transaction-manager.recovery-modules");
        }
        return PreflightCheck.passed(name, ledger.apiName() + " commits locally with a marker row after " + ledger.other().apiName()
                + " has prepared; recovery reads the marker to decide");
    }

    private static PreflightCheck unreachable(String name, String ledger, Exception e) {
        return PreflightCheck.failed(name, ledger + " could not be asked: " + e.getMessage(),
                "check the " + ledger + " datasource URL, credentials and that the server is up");
    }
}
