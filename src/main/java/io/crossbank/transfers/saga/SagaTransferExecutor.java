package io.crossbank.transfers.saga;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.crossbank.CrossbankConfig;
import io.crossbank.events.TransferEvents;
import io.crossbank.ledger.IdempotencyRecord;
import io.crossbank.ledger.Ids;
import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.JournalEntry;
import io.crossbank.ledger.Ledger;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;
import io.crossbank.ledger.SagaCredit;
import io.crossbank.ledger.TransferRecord;
import io.crossbank.ledger.TransferRecord.SagaStep;
import io.crossbank.problems.DatabaseFailures;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;
import io.crossbank.transfers.TransferCommand;
import io.crossbank.transfers.TransferExecutor;
import io.crossbank.transfers.TransferOutcome;
import io.crossbank.transfers.TransferView;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Saga mode: a transfer as local transactions, each on one ledger (Narayana commits a transaction with one resource
 * in one phase: no prepare, no log). Step 1 (debited ledger) holds the money; step 2 (credited ledger) inserts the
 * saga's deciding row DONE with the credit, or CANCELLED when the credit is refused; step 3 (debited ledger) releases
 * the held money, or refunds it. Every step is idempotent, so whoever runs it again after a crash (this instance's
 * {@link SagaResumer}, or another instance's) finds what the earlier run committed. docs/sagas.md has the design.
 *
 * <p>The transaction boundaries of the saga are all in this class (programmatic, one per step).
 */
@ApplicationScoped
public class SagaTransferExecutor implements TransferExecutor {

    private static final int MAX_ERROR = 1000;
    private static final int MAX_REASON = 500;

    private final Ledgers ledgers;
    private final TransferEvents events;
    private final CrossbankConfig.Saga config;
    private final String node;
    private final ThreadPoolExecutor workers;

    SagaTransferExecutor(Ledgers ledgers, TransferEvents events, CrossbankConfig config,
            @ConfigProperty(name = "quarkus.transaction-manager.node-name") String node) {
        this.ledgers = ledgers;
        this.events = events;
        this.config = config.saga();
        this.node = node;
        AtomicInteger threads = new AtomicInteger();
        // A full queue runs the steps on the request's thread: back-pressure rather than an unbounded backlog in memory.
        this.workers = new ThreadPoolExecutor(this.config.workers(), this.config.workers(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1000), r -> {
                    Thread t = new Thread(r, "crossbank-saga-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        // What is in flight keeps its lease; the next start of this node releases it, another instance takes it after it.
        workers.shutdownNow();
    }

    @Override
    public TransferRecord.Mode mode() {
        return TransferRecord.Mode.SAGA;
    }

    /**
     * Step 1 in the caller's thread (a refusal is the caller's 4xx, and no saga exists), then the rest on a worker,
     * waited for as long as the command asks: {@link TransferOutcome.Done} when the saga ended in time,
     * {@link TransferOutcome.Accepted} (PENDING) otherwise.
     */
    @Override
    public TransferOutcome execute(TransferCommand command) {
        TransferRecord saga = QuarkusTransaction.requiringNew().call(() -> begin(command));
        TransferView pending = view(saga, ledgers.get(command.fromLedger()).name(), null);
        Duration wait = command.waitFor().orElse(config.waitTime());
        Future<TransferView> rest;
        try {
            rest = workers.submit(() -> advance(saga));
        } catch (RuntimeException e) { // shutting down: the saga is leased to this node, the next start resumes it
            return new TransferOutcome.Accepted(pending);
        }
        try {
            TransferView done = rest.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return done == null ? new TransferOutcome.Accepted(pending) : new TransferOutcome.Done(done);
        } catch (TimeoutException e) {
            return new TransferOutcome.Accepted(pending);
        } catch (ExecutionException e) {
            Log.errorf(e.getCause(), "saga %s: its steps failed unexpectedly; the resumer takes it up again", saga.id);
            return new TransferOutcome.Accepted(pending);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TransferOutcome.Accepted(pending);
        }
    }

    /** Step 1, in one transaction on the debited ledger: record, hold, journal, key, event. */
    private TransferRecord begin(TransferCommand command) {
        Ledger debited = ledgers.get(command.fromLedger());
        Ledger.AccountState from = debited.accountState(command.from()).orElseThrow(() -> ProblemException.accountNotFound(command.from()));
        if (from.frozen()) {
            throw ProblemException.accountFrozen(command.from());
        }
        String transferId = Ids.newTransferId();
        Instant now = InstantMicros.now();
        command.idempotencyKey().ifPresent(key -> debited.claimIdempotencyKey(IdempotencyRecord.of(key, command.requestHash(), transferId, now)));
        TransferRecord saga = new TransferRecord();
        saga.id = transferId;
        saga.mode = TransferRecord.Mode.SAGA;
        saga.status = TransferRecord.Status.PENDING;
        saga.fromAccount = command.from();
        saga.toAccount = command.to();
        saga.amount = command.amount();
        saga.currency = from.currency();
        saga.createdAt = now;
        saga.updatedAt = now;
        saga.sagaStep = SagaStep.CREDIT;
        saga.nextAttemptAt = now;
        // Leased to this instance, which goes on at once; if it dies, the lease expires and any instance resumes.
        saga.leaseOwner = node;
        saga.leaseUntil = now.plus(config.lease());
        debited.addTransfer(saga);
        if (!debited.hold(command.from(), command.amount())) {
            if (debited.accountState(command.from()).map(Ledger.AccountState::frozen).orElse(false)) {
                throw ProblemException.accountFrozen(command.from());
            }
            throw new ProblemException(ProblemType.INSUFFICIENT_FUNDS,
                    "Account " + command.from() + " does not hold " + command.amount().toPlainString());
        }
        debited.record(entry(saga, saga.fromAccount, saga.toAccount, JournalEntry.Direction.DEBIT, JournalEntry.Kind.TRANSFER, now));
        if (command.withEvent()) {
            events.transferEvent(debited, TransferEvents.TRANSFER_PENDING, transferId, now, view(saga, debited.name(), null));
        }
        return saga;
    }

    /**
     * Everything after step 1, each step in its own transaction, from wherever the saga stands: what the request's
     * worker runs and what the resumer runs for a claimed saga. A failure to reach a ledger is recorded for a retry
     * after a backoff; only a refusal of the credit itself cancels.
     *
     * @return the transfer once COMMITTED or COMPENSATED; null when it is left for a retry
     */
    public TransferView advance(TransferRecord saga) {
        SagaStep step = SagaStep.CREDIT;
        try {
            SagaCredit decision = decide(saga);
            step = decision.outcome == SagaCredit.Outcome.DONE ? SagaStep.SETTLE : SagaStep.REFUND;
            return QuarkusTransaction.requiringNew().call(() -> finish(saga, decision));
        } catch (RuntimeException e) {
            failed(saga, step, e);
            return null;
        }
    }

    /** What {@link #compensate} did: the deciding row it found or wrote, and the transfer once refunded. */
    public record Compensation(SagaCredit decision, Optional<TransferView> refunded, Optional<RuntimeException> refundFailure) {
    }

    /**
     * An operator's compensation of a pending saga: the CANCELLED deciding row first (the same write as a refused credit),
     * then, if that row decides the saga, the refund of step 3'. A DONE row found instead (the credit landed first) is
     * returned untouched: such a saga is never compensated. A refund that fails (the debited ledger unreachable) is
     * recorded for the resumer, which refunds once the ledger is back; the CANCELLED row already decides that.
     *
     * @throws RuntimeException when the credited ledger cannot be written (nothing was decided)
     */
    public Compensation compensate(TransferRecord saga, String reason) {
        SagaCredit decision = cancel(saga, reason);
        if (decision.outcome != SagaCredit.Outcome.CANCELLED) {
            return new Compensation(decision, Optional.empty(), Optional.empty());
        }
        try {
            return new Compensation(decision, Optional.of(QuarkusTransaction.requiringNew().call(() -> finish(saga, decision))),
                    Optional.empty());
        } catch (RuntimeException e) {
            failed(saga, SagaStep.REFUND, e);
            return new Compensation(decision, Optional.empty(), Optional.of(e));
        }
    }

    /** The deciding row: found (an earlier run wrote it), or written now by the credit or by the cancellation. */
    private SagaCredit decide(TransferRecord saga) {
        Ledger credited = creditedLedger(saga);
        try {
            return QuarkusTransaction.requiringNew().call(() -> credit(saga));
        } catch (Refused refused) {
            return cancel(saga, refused.getMessage());
        } catch (RuntimeException e) {
            if (DatabaseFailures.isUniqueViolation(e)) { // another instance decided it meanwhile
                return QuarkusTransaction.requiringNew().call(() -> credited.findSagaCredit(saga.id).orElseThrow(() -> e));
            }
            Optional<ProblemException> problem = DatabaseFailures.classify(e);
            if (problem.isPresent() && problem.get().type() == ProblemType.BALANCE_LIMIT) {
                return cancel(saga, "Account " + saga.toAccount + " cannot hold the resulting balance");
            }
            throw e;
        }
    }

    /** Step 2, one transaction on the credited ledger: the deciding row first (it serialises racers), then the credit. */
    private SagaCredit credit(TransferRecord saga) {
        Ledger credited = creditedLedger(saga);
        Optional<SagaCredit> earlier = credited.findSagaCredit(saga.id);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        Optional<String> refusal = refusal(credited, saga);
        if (refusal.isPresent()) {
            throw new Refused(refusal.get());
        }
        Instant now = InstantMicros.now();
        SagaCredit decision = decision(saga, SagaCredit.Outcome.DONE, null, now);
        credited.decideSaga(decision);
        if (!credited.credit(saga.toAccount, saga.amount, saga.currency)) { // frozen since it was read above
            throw new Refused(refusal(credited, saga).orElse("Account " + saga.toAccount + " refused the credit"));
        }
        credited.record(entry(saga, saga.toAccount, saga.fromAccount, JournalEntry.Direction.CREDIT, JournalEntry.Kind.TRANSFER, now));
        return decision;
    }

    /** What XaTransferExecutor answers with a 4xx, as a reason: the credited account unknown, frozen, another currency. */
    private static Optional<String> refusal(Ledger credited, TransferRecord saga) {
        Optional<Ledger.AccountState> to = credited.accountState(saga.toAccount);
        if (to.isEmpty()) {
            return Optional.of("No account with id " + saga.toAccount);
        }
        if (to.get().frozen()) {
            return Optional.of("Account " + saga.toAccount + " is frozen");
        }
        if (!to.get().currency().equals(saga.currency)) {
            return Optional.of("Account " + saga.fromAccount + " holds " + saga.currency + " but account " + saga.toAccount + " holds "
                    + to.get().currency());
        }
        return Optional.empty();
    }

    /** The compensation's first write, on the credited ledger: CANCELLED, unless a DONE row is already there. */
    private SagaCredit cancel(TransferRecord saga, String reason) {
        Ledger credited = creditedLedger(saga);
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                Optional<SagaCredit> earlier = credited.findSagaCredit(saga.id);
                if (earlier.isPresent()) {
                    return earlier.get();
                }
                SagaCredit decision = decision(saga, SagaCredit.Outcome.CANCELLED, truncate(reason, MAX_REASON), InstantMicros.now());
                credited.decideSaga(decision);
                return decision;
            });
        } catch (RuntimeException e) {
            if (DatabaseFailures.isUniqueViolation(e)) {
                return QuarkusTransaction.requiringNew().call(() -> credited.findSagaCredit(saga.id).orElseThrow(() -> e));
            }
            throw e;
        }
    }

    /** Step 3 (DONE) or the refund (CANCELLED), one transaction on the debited ledger; nothing when it ran before. */
    private TransferView finish(TransferRecord saga, SagaCredit decision) {
        Ledger debited = debitedLedger(saga);
        Instant now = InstantMicros.now();
        boolean done = decision.outcome == SagaCredit.Outcome.DONE;
        TransferRecord.Status status = done ? TransferRecord.Status.COMMITTED : TransferRecord.Status.COMPENSATED;
        if (debited.settleSaga(saga.id, status, done ? null : decision.reason, now)) {
            if (done) {
                debited.releaseHeld(saga.fromAccount, saga.amount);
            } else {
                debited.refundHeld(saga.fromAccount, saga.amount);
                debited.record(entry(saga, saga.fromAccount, saga.toAccount, JournalEntry.Direction.CREDIT, JournalEntry.Kind.COMPENSATION,
                        now));
            }
            TransferRecord settled = debited.findTransfer(saga.id).orElseThrow();
            TransferView view = view(settled, debited.name(), decision);
            events.transferEvent(debited, done ? TransferEvents.TRANSFER_COMMITTED : TransferEvents.TRANSFER_COMPENSATED, saga.id, now,
                    view);
            Log.debugf("saga %s %s", saga.id, status);
            return view;
        }
        TransferRecord earlier = debited.findTransfer(saga.id).orElseThrow();
        return view(earlier, debited.name(), decision);
    }

    /** Counts a failed attempt on the saga's record, for a retry after a backoff; flags it stuck past the budget. */
    private void failed(TransferRecord saga, SagaStep step, RuntimeException failure) {
        int attempts = saga.attempts + 1;
        saga.attempts = attempts;
        Instant now = InstantMicros.now();
        Duration backoff = backoff(attempts);
        String error = truncate(step + ": " + DatabaseFailures.summary(failure), MAX_ERROR);
        Instant stuckAt = attempts >= config.maxAttempts() ? now : null;
        if (attempts == config.maxAttempts()) {
            Log.errorf("saga %s is stuck: %d attempts of step %s failed, the last with %s; it is still retried every %s", saga.id,
                    attempts, step, error, backoff);
        } else {
            Log.warnf("saga %s: step %s failed (attempt %d), retried in %s: %s", saga.id, step, attempts, backoff, error);
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> debitedLedger(saga).recordSagaFailure(saga.id, step, attempts, error,
                    now.plus(backoff), stuckAt, now));
        } catch (RuntimeException e) {
            Log.warnf("saga %s: the failure could not be recorded in the debited ledger either (%s); it is resumed once its lease "
                    + "expires", saga.id, DatabaseFailures.summary(e));
        }
    }

    private Duration backoff(int attempts) {
        Duration max = config.retryMaxBackoff();
        Duration backoff = config.retryInitialBackoff();
        for (int i = 1; i < attempts && backoff.compareTo(max) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(max) > 0 ? max : backoff;
    }

    /** The saga as GET /transfers/{id} shows it, from what the debited ledger holds and the deciding row if known. */
    private TransferView view(TransferRecord saga, LedgerName debitedLedger, SagaCredit decision) {
        List<JournalEntry> rows = new ArrayList<>();
        rows.add(entry(saga, saga.fromAccount, saga.toAccount, JournalEntry.Direction.DEBIT, JournalEntry.Kind.TRANSFER, saga.createdAt));
        if (decision != null && decision.outcome == SagaCredit.Outcome.DONE) {
            rows.add(entry(saga, saga.toAccount, saga.fromAccount, JournalEntry.Direction.CREDIT, JournalEntry.Kind.TRANSFER,
                    decision.createdAt));
        }
        return TransferView.of(saga, rows, TransferView.sagaSteps(saga, Optional.ofNullable(decision)));
    }

    private Ledger debitedLedger(TransferRecord saga) {
        return ledgers.holding(saga.fromAccount).orElseThrow();
    }

    private Ledger creditedLedger(TransferRecord saga) {
        return ledgers.holding(saga.toAccount).orElseThrow();
    }

    private static SagaCredit decision(TransferRecord saga, SagaCredit.Outcome outcome, String reason, Instant now) {
        SagaCredit decision = new SagaCredit();
        decision.transferId = saga.id;
        decision.outcome = outcome;
        decision.reason = reason;
        decision.createdAt = now;
        return decision;
    }

    private static JournalEntry entry(TransferRecord saga, String account, String counterparty, JournalEntry.Direction direction,
            JournalEntry.Kind kind, Instant now) {
        return JournalEntry.of(saga.id, account, counterparty, direction, kind, saga.amount, saga.currency, now);
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    /** The credited ledger refuses the credit for a business reason: roll step 2 back, then cancel. */
    private static final class Refused extends RuntimeException {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }
}
