package io.crossbank.ops;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;
import io.crossbank.ops.OpsAudit.Action;
import io.crossbank.ops.OpsAudit.Outcome;
import io.crossbank.ops.indoubt.Classification;
import io.crossbank.ops.indoubt.InDoubtBranch;
import io.crossbank.ops.indoubt.InDoubtBranches;
import io.crossbank.ops.indoubt.PreparedBranch;
import io.crossbank.problems.DatabaseFailures;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;
import io.crossbank.CrossbankConfig;

/**
 * Commits or rolls back one prepared branch by hand, but only where no recovery of this service will ever
 * decide it (see {@link Classification#manualResolution()}), and only once it has been in doubt for
 * {@code crossbank.in-doubt.max-age}: deciding a branch that recovery or a live coordinator is about to
 * decide could commit one ledger and roll back the other. A dry run (the default) changes nothing. Every
 * attempt is audited.
 */
@ApplicationScoped
public class BranchResolver {

    private static final String PG_UNDEFINED_OBJECT = "42704";
    private static final String PG_INSUFFICIENT_PRIVILEGE = "42501";
    private static final int MYSQL_XAER_NOTA = 1397;
    /** What {@link PreparedBranch#id()} produces, at most "gid-" and the hex of PostgreSQL's 200-byte gid. */
    private static final Pattern ID = Pattern.compile("[0-9A-Za-z-]{1,404}");

    private final InDoubtBranches branches;
    private final Ledgers ledgers;
    private final OpsAudit audit;

    private final Duration minAge;

    BranchResolver(InDoubtBranches branches, Ledgers ledgers, OpsAudit audit, CrossbankConfig config) {
        this.branches = branches;
        this.ledgers = ledgers;
        this.audit = audit;
        this.minAge = config.inDoubt().maxAge();
    }

    public Resolution resolve(LedgerName ledger, String id, Action action, boolean dryRun, String principal) {
        if (!ID.matcher(id).matches()) {
            throw new ProblemException(ProblemType.IN_DOUBT_BRANCH_NOT_FOUND,
                    "Not a branch id: use the id GET /ops/in-doubt lists (hex digits and dashes)");
        }
        Optional<InDoubtBranches.Found> found;
        try {
            found = branches.find(ledger, id);
        } catch (SQLException e) {
            throw unreachable(ledger, e);
        }
        if (found.isEmpty()) {
            audit.record(new OpsAudit.Entry(Instant.now(), principal, ledger, id, action, dryRun, null, Outcome.NOT_FOUND,
                    "no such prepared branch"));
            throw notFound(ledger, id);
        }
        PreparedBranch branch = found.get().branch();
        InDoubtBranch view = found.get().view();
        Classification classification = view.classification();
        String statement = statement(branch, action);
        if (!classification.manualResolution()) {
            String detail = "Branch " + id + " of ledger " + ledger + " is " + classification + ": " + classification.explanation()
                    + " Deciding it by hand could contradict that; nothing was changed.";
            audit.record(entry(principal, branch, action, dryRun, classification, Outcome.REFUSED, classification.explanation()));
            throw new ProblemException(ProblemType.RECOVERY_WILL_RESOLVE, detail);
        }
        // A young branch of another node may belong to a live coordinator between its prepare and its commit:
        // deciding it by hand now could contradict that coordinator. Readiness flags a branch at the same age.
        Instant notBefore = branch.since().plus(minAge);
        boolean tooRecent = Instant.now().isBefore(notBefore);
        if (tooRecent && !dryRun) {
            String detail = "Branch " + id + " has been in doubt for " + view.ageSeconds() + " s only: its coordinator may still "
                    + "decide it. It can be decided by hand from " + notBefore + " (crossbank.in-doubt.max-age); nothing was changed.";
            audit.record(entry(principal, branch, action, false, classification, Outcome.REFUSED, detail));
            throw new ProblemException(ProblemType.BRANCH_TOO_RECENT, detail);
        }
        if (dryRun) {
            String detail = "Would run " + statement + " (" + classification + ")"
                    + (tooRecent ? ", from " + notBefore + " on (crossbank.in-doubt.max-age)" : "")
                    + "; nothing was changed. Repeat with dryRun=false to do it.";
            OptionalLong auditId = audit.record(entry(principal, branch, action, true, classification, Outcome.DRY_RUN, detail));
            return new Resolution(ledger.apiName(), branch.id(), action, true, Outcome.DRY_RUN, statement, detail, id(auditId), view);
        }
        try (Connection c = ledgers.get(ledger).dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw failed(principal, branch, action, classification, e);
        }
        Outcome outcome = action == Action.COMMIT ? Outcome.COMMITTED : Outcome.ROLLED_BACK;
        String detail = "Ran " + statement + " (" + classification + ").";
        OptionalLong auditId = audit.record(entry(principal, branch, action, false, classification, outcome, detail));
        return new Resolution(ledger.apiName(), branch.id(), action, false, outcome, statement, detail, id(auditId), view);
    }

    /*
     * Both statements take the identifier as text only: neither PostgreSQL's COMMIT PREPARED nor MySQL's XA COMMIT
     * accepts a bind parameter. The PostgreSQL gid comes from pg_prepared_xacts and is quoted as a literal; the
     * MySQL xid is hex digits and a number.
     */
    public static String statement(PreparedBranch branch, Action action) {
        if (branch.ledger() == LedgerName.POSTGRES) {
            String literal = "'" + branch.postgresGid().orElseThrow().replace("'", "''") + "'";
            return (action == Action.COMMIT ? "COMMIT PREPARED " : "ROLLBACK PREPARED ") + literal;
        }
        return (action == Action.COMMIT ? "XA COMMIT " : "XA ROLLBACK ") + branch.xid().orElseThrow().mysqlXid();
    }

    private ProblemException failed(String principal, PreparedBranch branch, Action action, Classification classification,
            SQLException e) {
        boolean gone = PG_UNDEFINED_OBJECT.equals(e.getSQLState()) || e.getErrorCode() == MYSQL_XAER_NOTA;
        String reason = "SQLSTATE " + e.getSQLState() + ", vendor code " + e.getErrorCode();
        audit.record(entry(principal, branch, action, false, classification, gone ? Outcome.NOT_FOUND : Outcome.FAILED,
                "the database refused: " + reason));
        if (gone) {
            return notFound(branch.ledger(), branch.id());
        }
        if (PG_INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
            return new ProblemException(ProblemType.RESOLUTION_REFUSED, "Only the user that prepared branch " + branch.id()
                    + " (" + branch.owner().orElse("?") + ") or a superuser may decide it; nothing was changed.", e);
        }
        return DatabaseFailures.classify(e).orElseGet(() -> new ProblemException(ProblemType.RESOLUTION_REFUSED,
                "Ledger " + branch.ledger() + " refused to " + action.name().toLowerCase() + " branch " + branch.id() + " ("
                        + reason + "); see the service log. Nothing was changed.", e));
    }

    private static OpsAudit.Entry entry(String principal, PreparedBranch branch, Action action, boolean dryRun,
            Classification classification, Outcome outcome, String detail) {
        return new OpsAudit.Entry(Instant.now(), principal, branch.ledger(), branch.id(), action, dryRun, classification, outcome,
                detail);
    }

    private static ProblemException notFound(LedgerName ledger, String id) {
        return new ProblemException(ProblemType.IN_DOUBT_BRANCH_NOT_FOUND, "Ledger " + ledger + " holds no prepared branch '"
                + id + "' (it may have been resolved meanwhile): see GET /ops/in-doubt");
    }

    private static ProblemException unreachable(LedgerName ledger, SQLException e) {
        return DatabaseFailures.classify(e).orElseGet(() -> new ProblemException(ProblemType.LEDGER_UNAVAILABLE,
                "Ledger " + ledger + " could not be asked for its prepared branches; nothing was changed. Retry later.", e));
    }

    private static Long id(OptionalLong auditId) {
        return auditId.isPresent() ? auditId.getAsLong() : null;
    }
}
