package io.crossbank.transfers;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.crossbank.CrossbankConfig;
import io.crossbank.ledger.IdempotencyRecord;
import io.crossbank.ledger.Ids;
import io.crossbank.ledger.JournalEntry;
import io.crossbank.ledger.Ledger;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;
import io.crossbank.ledger.TransferRecord;
import io.crossbank.problems.DatabaseFailures;
import io.crossbank.problems.Paging;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;
import io.crossbank.transfers.TransferMetrics.Outcome;
import io.crossbank.transfers.TransferMetrics.Route;
import io.quarkus.logging.Log;

/**
 * Orchestrates a transfer around the transactional {@link TransferExecutor} of its mode: validation, idempotent
 * replay, metrics. Holds no transaction itself.
 */
@ApplicationScoped
public class TransferService {

    /**
     * The result of POST /transfers; {@code replayed} when an Idempotency-Key matched an earlier request,
     * {@code pending} when the transfer is not complete yet (202).
     */
    public record Result(TransferView transfer, boolean replayed, boolean pending) {

        static Result of(TransferOutcome outcome) {
            return new Result(outcome.transfer(), false, outcome instanceof TransferOutcome.Accepted);
        }

        static Result replayOf(TransferView transfer) {
            return new Result(transfer, true, TransferRecord.Status.PENDING.name().equals(transfer.status()));
        }
    }

    private final TransferModes modes;
    private final Ledgers ledgers;
    private final TransferMetrics metrics;
    private final BigDecimal maxAmount;
    private final TransferRecord.Mode defaultMode;

    private final TransferGate gate;

    TransferService(TransferModes modes, Ledgers ledgers, TransferMetrics metrics, CrossbankConfig config, TransferGate gate) {
        this.gate = gate;
        this.modes = modes;
        this.ledgers = ledgers;
        this.metrics = metrics;
        this.maxAmount = config.transfers().maxAmount();
        this.defaultMode = config.transfers().defaultMode();
    }

    public Result transfer(TransferRequest request, String idempotencyKey) {
        return transfer(request, idempotencyKey, Optional.empty());
    }

    /** @param wait how long a saga may be waited for before the answer (202 PENDING after it); empty: the configured wait */
    public Result transfer(TransferRequest request, String idempotencyKey, Optional<Duration> wait) {
        return transfer(request, idempotencyKey, true, wait);
    }

    /**
     * The benchmark's comparison point for what events cost (BenchResource, never part of the API): the same
     * transfer, the same path, without its outbox row.
     */
    public Result transferWithoutEvent(TransferRequest request) {
        return transfer(request, null, false, Optional.empty());
    }

    private Result transfer(TransferRequest request, String idempotencyKey, boolean withEvent, Optional<Duration> wait) {
        long start = System.nanoTime();
        Route route = Route.UNROUTED;
        try (TransferGate.Ticket admitted = gate.admit()) {
            TransferCommand parsed = TransferCommand.of(request, idempotencyKey, maxAmount, defaultMode);
            TransferCommand command = (withEvent ? parsed : parsed.withoutEvent()).withWait(wait);
            route = command.crossLedger() ? Route.CROSS_LEDGER : Route.SAME_LEDGER;
            Result result = executeOnce(command);
            metrics.record(route, result.replayed() ? Outcome.REPLAYED : Outcome.COMMITTED, start);
            Log.debugf("transfer %s %s", result.transfer().id(), result.replayed() ? "replayed" : "committed");
            return result;
        } catch (RuntimeException e) {
            int status = DatabaseFailures.classify(e).map(p -> p.type().status()).orElse(500);
            metrics.record(route, status < 500 ? Outcome.REJECTED : Outcome.FAILED, start);
            throw e;
        }
    }

    private Result executeOnce(TransferCommand command) {
        Optional<Result> earlier = replay(command);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        try {
            return Result.of(modes.of(command.mode()).execute(command));
        } catch (RuntimeException e) {
            // A parallel request with the same key committed first: our insert of the key waited for it,
            // then failed, and our transaction rolled back. Answer with what the first one did.
            if (command.idempotencyKey().isPresent() && DatabaseFailures.isUniqueViolation(e)) {
                return replay(command).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    /**
     * The earlier transfer made with this Idempotency-Key, if any. The key lives in the ledger of the
     * debited account; the other ledger is looked at too, so that reusing a key for a transfer from the
     * other ledger is reported as a conflict.
     */
    private Optional<Result> replay(TransferCommand command) {
        if (command.idempotencyKey().isEmpty()) {
            return Optional.empty();
        }
        String key = command.idempotencyKey().get();
        LedgerName home = command.fromLedger();
        for (LedgerName name : List.of(home, home.other())) {
            Optional<IdempotencyRecord> record;
            try {
                record = ledgers.get(name).findIdempotencyKey(key);
            } catch (RuntimeException e) {
                // A saga is accepted while the other ledger is down: its key is unique in the debited ledger all the same,
                // only a reuse from the other ledger's side goes unnoticed until that ledger is back.
                if (name != home && command.mode() == TransferRecord.Mode.SAGA && DatabaseFailures.isUnavailable(e)) {
                    continue;
                }
                throw e;
            }
            if (record.isPresent()) {
                if (!record.get().requestHash.equals(command.requestHash())) {
                    throw new ProblemException(ProblemType.IDEMPOTENCY_CONFLICT,
                            "Idempotency-Key '" + key + "' was already used for a different transfer ("
                                    + record.get().transferId + "); use a new key for a new transfer");
                }
                TransferView transfer = find(record.get().transferId)
                        .orElseThrow(() -> new IllegalStateException("transfer " + record.get().transferId + " has a key but no record"));
                return Optional.of(Result.replayOf(transfer));
            }
        }
        return Optional.empty();
    }

    /**
     * The transfer as both ledgers show it. Its record lives in the debited ledger; a ledger that cannot be read is
     * left out and named in the answer, so a saga accepted while the credited ledger is down can be followed. Only
     * when the record itself may be in an unreadable ledger is the failure the answer.
     */
    public Optional<TransferView> find(String transferId) {
        if (!Ids.isTransferId(transferId)) {
            return Optional.empty();
        }
        ReadingBothLedgers reading = new ReadingBothLedgers();
        Optional<TransferRecord> found = Optional.empty();
        for (Ledger ledger : ledgers.all()) {
            found = reading.of(ledger, () -> ledger.findTransfer(transferId)).flatMap(r -> r);
            if (found.isPresent()) {
                break;
            }
        }
        if (found.isEmpty()) {
            reading.failIfAnyUnavailable();
            return Optional.empty();
        }
        TransferRecord record = found.get();
        List<JournalEntry> rows = ledgers.all().stream()
                .flatMap(ledger -> reading.of(ledger, () -> ledger.journalOfTransfer(transferId)).stream().flatMap(List::stream))
                .toList();
        List<TransferView.Step> steps = null;
        if (record.mode == TransferRecord.Mode.SAGA) {
            Ledger credited = ledgers.holding(record.toAccount).orElseThrow();
            steps = TransferView.sagaSteps(record, reading.of(credited, () -> credited.findSagaCredit(transferId)).flatMap(c -> c));
        }
        return Optional.of(TransferView.of(record, rows, steps).withUnavailable(reading.unavailable()));
    }

    /** Reads ledger by ledger, remembering the ones that are unavailable instead of failing on the first. */
    private static final class ReadingBothLedgers {
        private final Set<LedgerName> unavailable = EnumSet.noneOf(LedgerName.class);
        private RuntimeException firstFailure;

        <T> Optional<T> of(Ledger ledger, Supplier<T> read) {
            if (unavailable.contains(ledger.name())) {
                return Optional.empty();
            }
            try {
                return Optional.of(read.get());
            } catch (RuntimeException e) {
                if (!DatabaseFailures.isUnavailable(e)) {
                    throw e;
                }
                unavailable.add(ledger.name());
                if (firstFailure == null) {
                    firstFailure = e;
                }
                return Optional.empty();
            }
        }

        void failIfAnyUnavailable() {
            if (firstFailure != null) {
                throw firstFailure;
            }
        }

        List<String> unavailable() {
            return unavailable.stream().map(LedgerName::apiName).toList();
        }
    }

    /** Newest first; a transfer that moved the account twice (a debit and its compensation) is listed once. */
    public List<TransferView> ofAccount(String accountId, Paging paging) {
        Ledger ledger = ledgers.holding(accountId)
                .filter(l -> l.findAccount(accountId).isPresent())
                .orElseThrow(() -> ProblemException.accountNotFound(accountId));
        List<String> ids = ledger.journalOfAccount(accountId, paging.offset(), paging.size()).stream()
                .map(row -> row.key.transferId)
                .distinct()
                .toList();
        Map<String, TransferRecord> records = new HashMap<>();
        ledgers.all().forEach(l -> l.findTransfers(ids).forEach(r -> records.put(r.id, r)));
        return ids.stream()
                .map(records::get)
                .filter(Objects::nonNull)
                .map(TransferView::summary)
                .toList();
    }
}
