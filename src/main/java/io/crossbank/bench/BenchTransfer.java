package io.crossbank.bench;

import java.math.BigDecimal;

import io.crossbank.ledger.LedgerName;
import io.crossbank.transfers.TransferCommand;
import io.crossbank.transfers.TransferRequest;

/**
 * A transfer request checked by POST /transfers' own {@link TransferCommand} (same body, same problems), so the
 * baseline pays the same HTTP, JSON and validation cost as the product path. No Idempotency-Key: the
 * benchmark never sends one.
 */
record BenchTransfer(String from, String to, BigDecimal amount, LedgerName fromLedger, LedgerName toLedger) {

    static BenchTransfer of(TransferRequest request, BigDecimal maxAmount) {
        TransferCommand command = TransferCommand.of(request, null, maxAmount);
        return new BenchTransfer(command.from(), command.to(), command.amount(), command.fromLedger(), command.toLedger());
    }

    boolean crossLedger() {
        return fromLedger != toLedger;
    }

    /** The ledger whose pool is asked first: the same fixed order as the product path. */
    LedgerName firstLedger() {
        return fromLedger.compareTo(toLedger) <= 0 ? fromLedger : toLedger;
    }

    LedgerName secondLedger() {
        return firstLedger() == fromLedger ? toLedger : fromLedger;
    }
}
