package io.crossbank.ops.nodes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import io.agroal.api.AgroalDataSource;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;
import io.crossbank.ops.BranchResolver;
import io.crossbank.ops.OpsAudit;
import io.crossbank.ops.indoubt.Classification;
import io.crossbank.ops.indoubt.NarayanaXid;
import io.crossbank.ops.indoubt.PreparedBranch;
import io.crossbank.ops.indoubt.PreparedBranchScanner;
import io.crossbank.problems.DatabaseFailures;
import io.crossbank.recovery.TransactionLog;
import io.quarkus.agroal.DataSource;
import io.quarkus.logging.Log;

/**
 * Does for a departed node what its own recovery would do after a restart, reading that node's JDBC object store
 * table: a prepared branch whose transaction has a decision record there is committed, any other is rolled back
 * (presumed abort: the node is gone, so it can no longer be between its prepare and its log write), and a record whose
 * branches are all gone is deleted, as Narayana deletes it once every participant committed.
 *
 * <p>Narayana cannot do this itself: its recovery manager reads one object store, its own, and adding the departed
 * node to {@code xaRecoveryNodes} would make it presume abort for every branch of that node, the decided ones too.
 */
@ApplicationScoped
public class Adoption {

    /** A table prefix, read from node_lease, is spliced into SQL: only what {@code TxlogTablePrefix} derives, or alike. */
    private static final Pattern SAFE_PREFIX = Pattern.compile("[A-Za-z0-9_]{1,60}");
    private static final String UNDEFINED_TABLE = "42P01";
    /* Narayana's JDBC store keeps the record type without its leading slash ("StateManager/BasicAction/..."). */
    private static final String STORED_TYPE = TransactionLog.ATOMIC_ACTION.substring(1);

    /** One adoption pass over a departed node. {@code complete}: nothing of it left in either database or in its log. */
    public record Result(String node, String by, Instant at, int committed, int rolledBack, int failed, int recordsRemoved,
            int branchesLeft, int recordsLeft, boolean complete, String detail) {
    }

    private final PreparedBranchScanner scanner;
    private final Ledgers ledgers;
    private final OpsAudit audit;
    /** Narayana's JDBC object store datasource (every node's table is in its database); active only with that store. */
    private final Instance<AgroalDataSource> txlog;

    Adoption(PreparedBranchScanner scanner, Ledgers ledgers, OpsAudit audit, @DataSource("txlog") Instance<AgroalDataSource> txlog) {
        this.scanner = scanner;
        this.ledgers = ledgers;
        this.audit = audit;
        this.txlog = txlog;
    }

    /** @param stillOurs asked before every decision: false once the departed node (or another adopter) holds its lease again */
    Result adopt(String departed, String tablePrefix, String adopter, BooleanSupplier stillOurs) throws SQLException {
        if (!SAFE_PREFIX.matcher(tablePrefix).matches()) {
            throw new SQLException("refusing table prefix '" + tablePrefix + "' of node " + departed);
        }
        String table = tablePrefix + "jbosststxtable";
        Set<String> decided = records(table);
        String principal = "adoption by " + adopter;
        int committed = 0;
        int rolledBack = 0;
        int failed = 0;
        List<String> unreachable = new ArrayList<>();
        for (LedgerName ledger : LedgerName.values()) {
            List<PreparedBranch> branches;
            try {
                branches = scanner.scan(ledger);
            } catch (SQLException e) {
                unreachable.add(ledger.apiName());
                continue;
            }
            for (PreparedBranch branch : branches) {
                Optional<NarayanaXid> xid = branch.xid().flatMap(NarayanaXid::of);
                if (xid.isEmpty() || !xid.get().nodeName().equals(departed)) {
                    continue;
                }
                if (!stillOurs.getAsBoolean()) {
                    return new Result(departed, adopter, Instant.now(), committed, rolledBack, failed, 0, -1, -1, false,
                            "stopped: node " + departed + " or another instance holds its lease again");
                }
                boolean commit = decided.contains(xid.get().transactionUid().stringForm());
                OpsAudit.Action action = commit ? OpsAudit.Action.COMMIT : OpsAudit.Action.ROLLBACK;
                String statement = BranchResolver.statement(branch, action);
                String why = commit ? "its decision record is in " + table : "no decision record in " + table + ": presumed abort";
                try (Connection c = ledgers.get(ledger).dataSource().getConnection(); Statement s = c.createStatement()) {
                    s.execute(statement);
                    audit.record(new OpsAudit.Entry(Instant.now(), principal, ledger, branch.id(), action, false,
                            Classification.FOREIGN_NODE, commit ? OpsAudit.Outcome.COMMITTED : OpsAudit.Outcome.ROLLED_BACK,
                            "adopted from departed node " + departed + ": " + why + "; ran " + statement));
                    if (commit) {
                        committed++;
                    } else {
                        rolledBack++;
                    }
                } catch (SQLException e) {
                    failed++;
                    audit.record(new OpsAudit.Entry(Instant.now(), principal, ledger, branch.id(), action, false,
                            Classification.FOREIGN_NODE, OpsAudit.Outcome.FAILED, "adopting from departed node " + departed + " ("
                                    + why + "): " + statement + " failed: " + DatabaseFailures.summary(e)));
                }
            }
        }
        int removed = 0;
        int branchesLeft = 0;
        if (unreachable.isEmpty()) {
            Set<String> stillPrepared = new HashSet<>();
            for (LedgerName ledger : LedgerName.values()) {
                for (PreparedBranch branch : scanner.scan(ledger)) {
                    branch.xid().flatMap(NarayanaXid::of).filter(xid -> xid.nodeName().equals(departed)).ifPresent(xid -> {
                        stillPrepared.add(xid.transactionUid().stringForm());
                    });
                }
            }
            branchesLeft = stillPrepared.size();
            for (String uid : decided) {
                if (!stillPrepared.contains(uid)) {
                    removed += delete(table, uid);
                }
            }
        }
        int recordsLeft = records(table).size();
        boolean complete = unreachable.isEmpty() && branchesLeft == 0 && recordsLeft == 0 && failed == 0;
        String detail = "node " + departed + ": " + committed + " branch(es) committed, " + rolledBack + " rolled back, " + failed
                + " failed, " + removed + " log record(s) removed" + (unreachable.isEmpty() ? "" : ", ledgers unreachable: " + unreachable)
                + (complete ? "; nothing of it is left" : "; left: " + branchesLeft + " transaction(s) with prepared branches, "
                        + recordsLeft + " log record(s)");
        return new Result(departed, adopter, Instant.now(), committed, rolledBack, failed, removed, branchesLeft, recordsLeft, complete,
                detail);
    }

    /** The transaction Uids a node's JDBC object store table holds a decision record for. */
    private Set<String> records(String table) throws SQLException {
        Set<String> uids = new HashSet<>();
        try (Connection c = txlog.get().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT uidstring FROM " + table + " WHERE typename IN (?, ?)")) {
            s.setString(1, STORED_TYPE);
            s.setString(2, TransactionLog.ATOMIC_ACTION);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    uids.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            if (!UNDEFINED_TABLE.equals(e.getSQLState())) {
                throw e;
            }
            Log.debugf("No table %s: the node never logged a decision", table);
        }
        return uids;
    }

    private int delete(String table, String uid) throws SQLException {
        try (Connection c = txlog.get().getConnection();
                PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE uidstring = ? AND typename IN (?, ?)")) {
            s.setString(1, uid);
            s.setString(2, STORED_TYPE);
            s.setString(3, TransactionLog.ATOMIC_ACTION);
            return s.executeUpdate() > 0 ? 1 : 0;
        }
    }
}
