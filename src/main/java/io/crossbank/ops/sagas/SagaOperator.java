package io.crossbank.ops.sagas;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.crossbank.ledger.Amounts;
import io.crossbank.ledger.Ids;
import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.Ledger;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;
import io.crossbank.ledger.SagaCredit;
import io.crossbank.ledger.TransferRecord;
import io.crossbank.ops.OpsAudit;
import io.crossbank.ops.OpsAudit.Action;
import io.crossbank.ops.OpsAudit.Outcome;
import io.crossbank.problems.DatabaseFailures;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;
import io.crossbank.transfers.saga.SagaResumer;
import io.crossbank.transfers.saga.SagaTransferExecutor;

/**
 * An operator's hand on one saga: re-drive it (due now, the resumer woken) or force its compensation, which only ever
 * goes through the deciding row: the CANCELLED row is written in the credited ledger first, exactly as a refused credit
 * writes it, so a saga whose row says DONE is never compensated. Both are dry runs unless asked otherwise; every
 * attempt on a saga that exists is audited in its debited ledger.
 */
@ApplicationScoped
public class SagaOperator {

    private static final String REDRIVE = "UPDATE transfer SET next_attempt_at = ?, updated_at = ?,"
            + " lease_owner = CASE WHEN lease_until IS NOT NULL AND lease_until < ? THEN NULL ELSE lease_owner END,"
            + " lease_until = CASE WHEN lease_until IS NOT NULL AND lease_until < ? THEN NULL ELSE lease_until END"
            + " WHERE id = ? AND status = 'PENDING'";

    private final Sagas sagas;
    private final Ledgers ledgers;
    private final SagaTransferExecutor executor;
    private final SagaResumer resumer;
    private final OpsAudit audit;

    SagaOperator(Sagas sagas, Ledgers ledgers, SagaTransferExecutor executor, SagaResumer resumer, OpsAudit audit) {
        this.sagas = sagas;
        this.ledgers = ledgers;
        this.executor = executor;
        this.resumer = resumer;
        this.audit = audit;
    }

    /**
     * Makes a pending (or stuck) saga due now and wakes this instance's resumer. An expired lease is cleared; a live one
     * is kept: an instance is working on the saga right now (or died, and the lease runs out within crossbank.saga.lease),
     * and a second runner gains nothing. attempts, last_error and stuck_at stay, as the history of the saga.
     */
    public SagaAction redrive(String id, boolean dryRun, String principal) {
        TransferRecord saga = find(id);
        SagaView before = viewOf(saga);
        LedgerName ledger = debited(saga);
        refuseSettled(saga, Action.RESUME, dryRun, principal);
        Instant now = InstantMicros.now();
        boolean liveLease = saga.leaseUntil != null && !saga.leaseUntil.isBefore(now);
        String lease = saga.leaseOwner == null ? "" : liveLease
                ? "; its lease stays (held by " + saga.leaseOwner + " until " + saga.leaseUntil + ": that instance is on it, or another one "
                        + "takes it after that)"
                : "; its expired lease (" + saga.leaseOwner + ", until " + saga.leaseUntil + ") is cleared";
        String what = "saga " + id + " (" + state(saga) + ", next step " + saga.sagaStep + ", " + saga.attempts + " failed attempt(s))";
        if (dryRun) {
            String detail = "Would make " + what + " due now" + lease + "; nothing was changed. Repeat with dryRun=false to do it.";
            OptionalLong auditId = record(principal, ledger, id, Action.RESUME, true, Outcome.DRY_RUN, detail);
            return new SagaAction(id, Action.RESUME, true, Outcome.DRY_RUN, detail, auditId(auditId), before, before);
        }
        int changed;
        try (Connection c = ledgers.get(ledger).dataSource().getConnection(); PreparedStatement s = c.prepareStatement(REDRIVE)) {
            long micros = InstantMicros.toMicros(now);
            s.setLong(1, micros);
            s.setLong(2, micros);
            s.setLong(3, micros);
            s.setLong(4, micros);
            s.setString(5, id);
            changed = s.executeUpdate();
        } catch (SQLException e) {
            record(principal, ledger, id, Action.RESUME, false, Outcome.FAILED, "the ledger could not be written: " + DatabaseFailures.summary(e));
            throw unavailable(ledger, e);
        }
        if (changed == 0) { // settled between the read and the update
            refuseSettled(find(id), Action.RESUME, false, principal);
        }
        SagaView after = viewOf(find(id)); // as the re-drive left it, before the woken resumer takes it
        resumer.wake();
        String detail = "Made " + what + " due now" + lease + "; the resumer was woken.";
        OptionalLong auditId = record(principal, ledger, id, Action.RESUME, false, Outcome.RESUMED, detail);
        return new SagaAction(id, Action.RESUME, false, Outcome.RESUMED, detail, auditId(auditId), before, after);
    }

    /**
     * Compensates a pending saga by hand: refused when it is settled, or when its deciding row says DONE; otherwise the
     * CANCELLED row (unless there already) and the refund, through the executor's own steps.
     */
    public SagaAction compensate(String id, boolean dryRun, String principal) {
        TransferRecord saga = find(id);
        LedgerName ledger = debited(saga);
        LedgerName credited = LedgerName.ofAccountId(saga.toAccount).orElseThrow();
        refuseSettled(saga, Action.COMPENSATE, dryRun, principal);
        Optional<SagaCredit> decision;
        try {
            decision = sagas.decision(saga);
        } catch (SQLException e) {
            record(principal, ledger, id, Action.COMPENSATE, dryRun, Outcome.FAILED, "the credited ledger " + credited.apiName()
                    + " could not be read: " + DatabaseFailures.summary(e));
            throw new ProblemException(ProblemType.LEDGER_UNAVAILABLE, "The credited ledger " + credited.apiName() + " of saga " + id
                    + " cannot be read: the CANCELLED row that compensating needs cannot be written there. Nothing was changed; retry "
                    + "once it is back.", e);
        }
        SagaView before = Sagas.view(saga, decision, true);
        if (decision.isPresent() && decision.get().outcome == SagaCredit.Outcome.DONE) {
            refuseDone(saga, decision.get(), credited, dryRun, principal);
        }
        String money = Amounts.format(saga.amount) + " " + saga.currency + " held by account " + saga.fromAccount;
        String refund = "refund " + money;
        if (dryRun) {
            String detail = (decision.isPresent() ? "The deciding row already says CANCELLED (" + decision.get().createdAt + "): would "
                    : "Would write the CANCELLED deciding row of saga " + id + " in ledger " + credited.apiName() + ", then ")
                    + refund + "; nothing was changed. Repeat with dryRun=false to do it.";
            OptionalLong auditId = record(principal, ledger, id, Action.COMPENSATE, true, Outcome.DRY_RUN, detail);
            return new SagaAction(id, Action.COMPENSATE, true, Outcome.DRY_RUN, detail, auditId(auditId), before, before);
        }
        SagaTransferExecutor.Compensation done;
        try {
            done = executor.compensate(saga, "Compensated by operator " + principal);
        } catch (RuntimeException e) {
            record(principal, ledger, id, Action.COMPENSATE, false, Outcome.FAILED, "the CANCELLED row could not be written in ledger "
                    + credited.apiName() + ": " + DatabaseFailures.summary(e));
            throw new ProblemException(ProblemType.LEDGER_UNAVAILABLE, "The CANCELLED row of saga " + id + " could not be written in "
                    + "ledger " + credited.apiName() + "; nothing was decided. Retry later.", e);
        }
        if (done.decision().outcome == SagaCredit.Outcome.DONE) { // the credit landed between the read and the write
            refuseDone(saga, done.decision(), credited, false, principal);
        }
        Outcome outcome;
        String detail;
        if (done.refunded().isPresent()) {
            outcome = Outcome.COMPENSATED;
            detail = "Saga " + id + " is decided CANCELLED in ledger " + credited.apiName() + " and compensated: refunded " + money + ".";
        } else {
            outcome = Outcome.CANCELLED;
            resumer.wake();
            detail = "Saga " + id + " is decided CANCELLED in ledger " + credited.apiName() + ", but the refund failed ("
                    + DatabaseFailures.summary(done.refundFailure().orElseThrow()) + "): the resumer refunds once ledger " + ledger.apiName()
                    + " is back.";
        }
        OptionalLong auditId = record(principal, ledger, id, Action.COMPENSATE, false, outcome, detail);
        SagaView after;
        try {
            after = sagas.find(id).map(s -> Sagas.view(s, Optional.of(done.decision()), true)).orElse(before);
        } catch (SQLException e) {
            after = before;
        }
        return new SagaAction(id, Action.COMPENSATE, false, outcome, detail, auditId(auditId), before, after);
    }

    private TransferRecord find(String id) {
        if (!Ids.isTransferId(id)) {
            throw ProblemException.invalid("Not a saga id: use the id GET /ops/sagas lists (a lower-case UUID), got \"" + id + "\"");
        }
        try {
            return sagas.find(id).orElseThrow(() -> new ProblemException(ProblemType.SAGA_NOT_FOUND, "No saga with id '" + id
                    + "' in either ledger: see GET /ops/sagas"));
        } catch (SQLException e) {
            throw new ProblemException(ProblemType.LEDGER_UNAVAILABLE, "Saga " + id + " is not in the readable ledger and the other one "
                    + "cannot be read; nothing was changed. Retry later.", e);
        }
    }

    private SagaView viewOf(TransferRecord saga) {
        try {
            return Sagas.view(saga, sagas.decision(saga), true);
        } catch (SQLException e) {
            return Sagas.view(saga, Optional.empty(), false);
        }
    }

    private void refuseSettled(TransferRecord saga, Action action, boolean dryRun, String principal) {
        if (saga.status == TransferRecord.Status.PENDING) {
            return;
        }
        String detail = "Saga " + saga.id + " is " + saga.status + " since " + saga.settledAt + "; nothing was changed.";
        record(principal, debited(saga), saga.id, action, dryRun, Outcome.REFUSED, detail);
        throw new ProblemException(ProblemType.SAGA_SETTLED, detail);
    }

    private void refuseDone(TransferRecord saga, SagaCredit decision, LedgerName credited, boolean dryRun, String principal) {
        String detail = "The deciding row of saga " + saga.id + " in ledger " + credited.apiName() + " says DONE (since " + decision.createdAt
                + "): the credit happened, so it is never compensated; step 3 settles it (re-drive it to hurry). Nothing was changed.";
        record(principal, debited(saga), saga.id, Action.COMPENSATE, dryRun, Outcome.REFUSED, detail);
        throw new ProblemException(ProblemType.SAGA_CREDIT_DONE, detail);
    }

    private static String state(TransferRecord saga) {
        return saga.stuckAt == null ? "pending" : "stuck since " + saga.stuckAt;
    }

    private static LedgerName debited(TransferRecord saga) {
        return LedgerName.ofAccountId(saga.fromAccount).orElseThrow();
    }

    private static ProblemException unavailable(LedgerName ledger, SQLException e) {
        return DatabaseFailures.classify(e).orElseGet(() -> new ProblemException(ProblemType.LEDGER_UNAVAILABLE,
                "Ledger " + ledger.apiName() + " could not be written; nothing was changed. Retry later.", e));
    }

    private static Long auditId(OptionalLong id) {
        return id.isPresent() ? id.getAsLong() : null;
    }

    private OptionalLong record(String principal, LedgerName ledger, String id, Action action, boolean dryRun, Outcome outcome, String detail) {
        return audit.record(new OpsAudit.Entry(Instant.now(), principal, ledger, id, action, dryRun, null, outcome, detail));
    }
}
