package io.crossbank.transfers;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.crossbank.events.TransferEvents;
import io.crossbank.ledger.AccountCurrencies;
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
    private final AccountCurrencies currencies;

    XaTransferExecutor(Ledgers ledgers, TransferEvents events, AccountCurrencies currencies) {
        this.ledgers = ledgers;
        this.events = events;
        this.currencies = currencies;
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
        // Both branches are joined first, in one fixed ledger order: every transaction takes its two pool connections in
        // the same order, and no row is locked while the other pool and database are reached. Rows are then locked in
        // account-id order whatever the direction, so two opposing transfers queue up instead of each holding one row, in
        // different databases, that the other waits for. That order puts MariaDB's rows ("my-…") first, so transactions
        // wait for PostgreSQL rows while holding MariaDB ones; PostgreSQL is enlisted first because Narayana prepares and
        // commits in enlistment order, which frees those rows first (MariaDB first timed out hot rows under load).
        Ledger firstLedger = command.fromLedger().compareTo(command.toLedger()) <= 0 ? debitLedger : creditLedger;
        firstLedger.join();
        (firstLedger == debitLedger ? creditLedger : debitLedger).join();
        boolean fromFirst = command.from().compareTo(command.to()) < 0;
        String currency = currencies.of(command.from()).or(() -> currencies.of(command.to())).orElseGet(() -> fromFirst
                ? currencyOf(debitLedger, command.from())
                : currencyOf(creditLedger, command.to()));
        // The currency, "not frozen" and "holds enough" are conditions of the two UPDATEs: no read on the way to a commit.
        if (fromFirst) {
            debit(debitLedger, command, currency);
            credit(creditLedger, command, currency);
        } else {
            credit(creditLedger, command, currency);
            debit(debitLedger, command, currency);
        }
        // Both rows matched it: true whether or not this transaction commits, as a currency never changes.
        currencies.remember(command.from(), currency);
        currencies.remember(command.to(), currency);
        String transferId = Ids.newTransferId();
        Instant now = InstantMicros.now();
        command.idempotencyKey().ifPresent(key -> debitLedger.claimIdempotencyKey(IdempotencyRecord.of(key, command.requestHash(), transferId, now)));
        // Committed when this transaction commits, or never there at all.
        TransferRecord record = record(transferId, command, currency, now);
        debitLedger.addTransfer(record);
        JournalEntry debit = JournalEntry.of(transferId, command.from(), command.to(), JournalEntry.Direction.DEBIT, JournalEntry.Kind.TRANSFER,
                command.amount(), currency, now);
        JournalEntry credit = JournalEntry.of(transferId, command.to(), command.from(), JournalEntry.Direction.CREDIT,
                JournalEntry.Kind.TRANSFER, command.amount(), currency, now);
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

    private static void debit(Ledger ledger, TransferCommand command, String currency) {
        if (!ledger.debit(command.from(), command.amount(), currency)) {
            sameCurrency(command, currency, currencyOf(ledger, command.from()), true);
            throw new ProblemException(ProblemType.INSUFFICIENT_FUNDS,
                    "Account " + command.from() + " does not hold " + command.amount().toPlainString());
        }
    }

    private static void credit(Ledger ledger, TransferCommand command, String currency) {
        if (!ledger.credit(command.to(), command.amount(), currency)) {
            sameCurrency(command, currency, currencyOf(ledger, command.to()), false);
            throw ProblemException.accountFrozen(command.to()); // frozen when the UPDATE ran, thawed since
        }
    }

    /** On the failure path only: names the mismatch the UPDATE's currency condition refused. */
    private static void sameCurrency(TransferCommand command, String expected, String actual, boolean ofDebited) {
        if (!expected.equals(actual)) {
            String fromCurrency = ofDebited ? actual : expected;
            String toCurrency = ofDebited ? expected : actual;
            throw new ProblemException(ProblemType.CURRENCY_MISMATCH,
                    "Account " + command.from() + " holds " + fromCurrency + " but account " + command.to() + " holds " + toCurrency);
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
