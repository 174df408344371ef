package io.crossbank.ops;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.OptionalLong;

import jakarta.enterprise.context.ApplicationScoped;

import com.arjuna.ats.arjuna.coordinator.TxControl;

import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;
import io.crossbank.ops.indoubt.Classification;
import io.quarkus.logging.Log;

/**
 * Who tried to resolve which in-doubt branch by hand, to re-drive which outbox event, or to freeze or unfreeze which
 * account, when, how and with which outcome: a row in the {@code ops_audit} table of the ledger holding the branch,
 * the event or the account, and a log line (the record of last resort when that database cannot take the row). For an
 * event or an account, {@code branch_id} holds its id and {@code classification} is empty.
 */
@ApplicationScoped
public class OpsAudit {

    /**
     * COMMIT, ROLLBACK: of an in-doubt branch; REDRIVE, REPUBLISH: of an outbox event; FREEZE, UNFREEZE: of an account;
     * RESUME (POST /ops/sagas/{id}/redrive), COMPENSATE: of a saga; DRAIN (POST /ops/drain): of a node, its name in
     * {@code branch_id}. At most 10 characters (the column).
     */
    public enum Action {
        COMMIT, ROLLBACK, REDRIVE, REPUBLISH, FREEZE, UNFREEZE, RESUME, COMPENSATE, DRAIN;

        /** What the action is done to: an in-doubt branch, an outbox event or an account. */
        String subject() {
            return switch (this) {
                case COMMIT, ROLLBACK -> "branch";
                case REDRIVE, REPUBLISH -> "event";
                case FREEZE, UNFREEZE -> "account";
                case RESUME, COMPENSATE -> "saga";
                case DRAIN -> "node";
            };
        }
    }

    /**
     * REDRIVEN, REPUBLISHED: of an event; APPLIED, UNCHANGED: a freeze or unfreeze that changed the account, or found it
     * so already; RESUMED: a saga made due now; COMPENSATED: a saga cancelled and refunded; CANCELLED: a saga's CANCELLED
     * row written (or found) but its refund left to the resumer, the debited ledger having failed; DRAINED, INCOMPLETE: a
     * drain that left nothing of its node, or left something (named in the detail).
     */
    public enum Outcome {
        DRY_RUN, COMMITTED, ROLLED_BACK, REDRIVEN, REPUBLISHED, REFUSED, NOT_FOUND, FAILED, APPLIED, UNCHANGED, RESUMED, COMPENSATED,
        CANCELLED, DRAINED, INCOMPLETE
    }

    /**
     * @param branchId       the branch id, or the event id (REDRIVE, REPUBLISH), the account id (FREEZE, UNFREEZE), or the
     *                       saga's transfer id (RESUME, COMPENSATE)
     * @param classification null when the branch was not found, and for an event or an account
     */
    public record Entry(Instant at, String principal, LedgerName ledger, String branchId, Action action, boolean dryRun,
            Classification classification, Outcome outcome, String detail) {
    }

    private static final int MAX_DETAIL = 1000;

    private final Ledgers ledgers;

    OpsAudit(Ledgers ledgers) {
        this.ledgers = ledgers;
    }

    /** Logs and stores the entry; returns the row's id, empty if the row could not be written. */
    public OptionalLong record(Entry entry) {
        Log.infof("ops audit: %s %s%s %s %s of ledger %s (%s): %s - %s", entry.principal(), entry.action(),
                entry.dryRun() ? " (dry run)" : "", entry.action().subject(), entry.branchId(), entry.ledger(), entry.classification(), entry.outcome(),
                entry.detail());
        try (Connection c = ledgers.get(entry.ledger()).dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO ops_audit (created_at, principal, node, action, dry_run,"
                        + " branch_id, classification, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
            s.setLong(1, InstantMicros.toMicros(entry.at()));
            s.setString(2, entry.principal());
            s.setString(3, TxControl.getXANodeName());
            s.setString(4, entry.action().name());
            s.setBoolean(5, entry.dryRun());
            s.setString(6, entry.branchId());
            if (entry.classification() == null) {
                s.setNull(7, Types.VARCHAR);
            } else {
                s.setString(7, entry.classification().name());
            }
            s.setString(8, entry.outcome().name());
            s.setString(9, entry.detail().length() <= MAX_DETAIL ? entry.detail() : entry.detail().substring(0, MAX_DETAIL));
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                return keys.next() ? OptionalLong.of(keys.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            Log.errorf(e, "ops audit row NOT written to ledger %s for the entry logged above", entry.ledger());
            return OptionalLong.empty();
        }
    }
}
