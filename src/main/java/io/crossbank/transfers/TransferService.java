package io.crossbank.transfers;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.crossbank.ledger.IdempotencyRecord;
import io.crossbank.ledger.Ids;
import io.crossbank.ledger.Ledger;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;
import io.crossbank.problems.DatabaseFailures;
import io.crossbank.problems.Paging;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;
import io.crossbank.transfers.TransferMetrics.Outcome;
import io.crossbank.transfers.TransferMetrics.Route;

import io.quarkus.logging.Log;

/**
 * Orchestrates a transfer around the transactional {@link TransferExecutor}: validation, idempotent
 * replay, metrics. Holds no transaction itself.
 */
@ApplicationScoped
public class TransferService {

    /** The result of POST /transfers; {@code replayed} when an Idempotency-Key matched an earlier request. */
    public record Result(TransferView transfer, boolean replayed) {
    }

    private final TransferExecutor executor;
    private final Ledgers ledgers;
    private final TransferMetrics metrics;
    private final BigDecimal maxAmount;

    TransferService(TransferExecutor executor, Ledgers ledgers, TransferMetrics metrics,
            @ConfigProperty(name = "crossbank.transfers.max-amount") BigDecimal maxAmount) {
        this.executor = executor;
        this.ledgers = ledgers;
        this.metrics = metrics;
        this.maxAmount = maxAmount;
    }

    public Result transfer(TransferRequest request, String idempotencyKey) {
        long start = System.nanoTime();
        Route route = Route.UNROUTED;
        try {
            TransferCommand command = TransferCommand.of(request, idempotencyKey, maxAmount);
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
            return new Result(executor.execute(command), false);
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
            Optional<IdempotencyRecord> record = ledgers.get(name).findIdempotencyKey(key);
            if (record.isPresent()) {
                if (!record.get().requestHash.equals(command.requestHash())) {
                    throw new ProblemException(ProblemType.IDEMPOTENCY_CONFLICT,
                            "Idempotency-Key '" + key + "' was already used for a different transfer ("
                                    + record.get().transferId + "); use a new key for a new transfer");
                }
                TransferView transfer = find(record.get().transferId)
                        .orElseThrow(() -> new IllegalStateException("transfer " + record.get().transferId + " has a key but no journal"));
                return Optional.of(new Result(transfer, true));
            }
        }
        return Optional.empty();
    }

    public Optional<TransferView> find(String transferId) {
        if (!Ids.isTransferId(transferId)) {
            return Optional.empty();
        }
        List<io.crossbank.ledger.JournalEntry> rows = ledgers.all().stream()
                .flatMap(ledger -> ledger.journalOfTransfer(transferId).stream())
                .toList();
        return rows.isEmpty() ? Optional.empty() : Optional.of(TransferView.of(rows));
    }

    public List<TransferView> ofAccount(String accountId, Paging paging) {
        Ledger ledger = ledgers.holding(accountId)
                .filter(l -> l.findAccount(accountId).isPresent())
                .orElseThrow(() -> ProblemException.accountNotFound(accountId));
        return ledger.journalOfAccount(accountId, paging.offset(), paging.size()).stream()
                .map(TransferView::summary)
                .toList();
    }
}
