package io.crossbank.bench;

import java.math.BigDecimal;

import io.crossbank.ledger.Amounts;
import io.crossbank.ledger.LedgerName;
import io.crossbank.problems.ProblemException;
import io.crossbank.transfers.TransferRequest;

/**
 * A transfer request checked the way POST /transfers checks it (same body, same problems), so the
 * baseline pays the same HTTP, JSON and validation cost as the product path. No Idempotency-Key: the
 * benchmark never sends one.
 */
record BenchTransfer(String from, String to, BigDecimal amount, LedgerName fromLedger, LedgerName toLedger) {

    private static final BigDecimal CENT = new BigDecimal("0.01");

    static BenchTransfer of(TransferRequest request, BigDecimal maxAmount) {
        if (request.from().equals(request.to())) {
            throw ProblemException.invalid("from and to are the same account: " + request.from());
        }
        BigDecimal amount = Amounts.parse("amount", request.amount(), CENT, maxAmount);
        LedgerName fromLedger = LedgerName.ofAccountId(request.from()).orElseThrow(() -> ProblemException.accountNotFound(request.from()));
        LedgerName toLedger = LedgerName.ofAccountId(request.to()).orElseThrow(() -> ProblemException.accountNotFound(request.to()));
        return new BenchTransfer(request.from(), request.to(), amount, fromLedger, toLedger);
    }

    boolean crossLedger() {
        return fromLedger != toLedger;
    }
}
