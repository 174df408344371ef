package io.crossbank.transfers;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.crossbank.events.TransferEvents;
import io.crossbank.ledger.IdempotencyRecord;
import io.crossbank.ledger.Ids;
import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.JournalEntry;
import io.crossbank.ledger.Ledger;
import io.crossbank.ledger.Ledgers;
import io.crossbank.ledger.TransferRecord;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;

/**
 * The XA boundary. One JTA transaction; each ledger it touches enlists its XA branch, so a cross-ledger
 * transfer commits with two-phase commit and a same-ledger one with Narayana's one-phase optimisation.
 */
@ApplicationScoped
public class XaTransferExecutor implements TransferExecutor {

    private final Ledgers ledgers;
    private final TransferEvents events;

    XaTransferExecutor(Ledgers ledgers, TransferEvents events) {
        this.ledgers = ledgers;
        this.events = events;
    }

    @Override
    public TransferRecord.Mode mode() {
        return TransferRecord.Mode.XA;
    }

    @Override
    @Transactional
    public TransferOutcome execute(TransferCommand command) {
        Ledger debitLedger = ledgers.get(command.fromLedger());
        Ledger creditLedger = ledgers.get(command.toLedger());
        // The first statement on a ledger takes a connection from its pool: in the fixed ledger order.
        String fromCurrency;
        String toCurrency;
        if (command.debitLedgerFirst()) {
            fromCurrency = currencyOf(debitLedger, command.from());
            toCurrency = currencyOf(creditLedger, command.to());
        } else {
            toCurrency = currencyOf(creditLedger, command.to());
            fromCurrency = currencyOf(debitLedger, command.from());
        }
        if (!fromCurrency.equals(toCurrency)) {
            throw new ProblemException(ProblemType.CURRENCY_MISMATCH,
                    "Account " + command.from() + " holds " + fromCurrency + " but account " + command.to() + " holds " + toCurrency);
        }
        String transferId = Ids.newTransferId();
        Instant now = InstantMicros.now();
        command.idempotencyKey().ifPresent(key -> debitLedger.claimIdempotencyKey(IdempotencyRecord.of(key, command.requestHash(), transferId, now)));
        // Committed when this transaction commits, or never there at all.
        TransferRecord record = record(transferId, command, fromCurrency, now);
        debitLedger.addTransfer(record);

        // Rows are locked in account-id order whatever the direction, so two opposing transfers queue up
        // instead of each holding one row, in different databases, that the other waits for.
        if (command.from().compareTo(command.to()) < 0) {
            debit(debitLedger, command);
            credit(creditLedger, command);
        } else {
            credit(creditLedger, command);
            debit(debitLedger, command);
        }
        JournalEntry debit = JournalEntry.of(transferId, command.from(), command.to(), JournalEntry.Direction.DEBIT, JournalEntry.Kind.TRANSFER,
                command.amount(), fromCurrency, now);
        JournalEntry credit = JournalEntry.of(transferId, command.to(), command.from(), JournalEntry.Direction.CREDIT,
                JournalEntry.Kind.TRANSFER, command.amount(), fromCurrency, now);
        debitLedger.record(debit);
        creditLedger.record(credit);
        TransferView view = TransferView.of(record, List.of(debit, credit));
        // In the debited ledger, after its account row is locked: the event commits (or not) with the transfer.
        if (command.withEvent()) {
            events.transferCommitted(debitLedger, transferId, now, view);
        }
        return new TransferOutcome.Done(view);
    }

    /** The account's currency, if it exists and is not frozen. */
    private static String currencyOf(Ledger ledger, String accountId) {
        Ledger.AccountState state = ledger.accountState(accountId).orElseThrow(() -> ProblemException.accountNotFound(accountId));
        if (state.frozen()) {
            throw ProblemException.accountFrozen(accountId);
        }
        return state.currency();
    }

    private static void debit(Ledger ledger, TransferCommand command) {
        if (!ledger.debit(command.from(), command.amount())) {
            // Frozen after it was read above: the freeze committed first.
            currencyOf(ledger, command.from());
            throw new ProblemException(ProblemType.INSUFFICIENT_FUNDS,
                    "Account " + command.from() + " does not hold " + command.amount().toPlainString());
        }
    }

    private static void credit(Ledger ledger, TransferCommand command) {
        if (!ledger.credit(command.to(), command.amount())) {
            currencyOf(ledger, command.to());
            throw ProblemException.accountNotFound(command.to());
        }
    }

    private static TransferRecord record(String transferId, TransferCommand command, String currency, Instant now) {
        TransferRecord record = new TransferRecord();
        record.id = transferId;
        record.mode = TransferRecord.Mode.XA;
        record.status = TransferRecord.Status.COMMITTED;
        record.fromAccount = command.from();
        record.toAccount = command.to();
        record.amount = command.amount();
        record.currency = currency;
        record.createdAt = now;
        record.updatedAt = now;
        return record;
    }
}
