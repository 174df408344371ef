package io.crossbank.transfers;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

import io.crossbank.ledger.Amounts;
import io.crossbank.ledger.LedgerName;
import io.crossbank.problems.ProblemException;

/** A validated transfer request: what any transfer mode executes. */
public record TransferCommand(String from, String to, BigDecimal amount, Optional<String> idempotencyKey) {

    private static final BigDecimal CENT = new BigDecimal("0.01");
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,200}");

    public static TransferCommand of(TransferRequest request, String idempotencyKey, BigDecimal maxAmount) {
        if (request.from().equals(request.to())) {
            throw ProblemException.invalid("from and to are the same account: " + request.from());
        }
        BigDecimal amount = Amounts.parse("amount", request.amount(), CENT, maxAmount);
        if (idempotencyKey != null && !KEY.matcher(idempotencyKey).matches()) {
            throw ProblemException.invalid("Idempotency-Key must be 1 to 200 printable ASCII characters without spaces");
        }
        return new TransferCommand(request.from(), request.to(), amount, Optional.ofNullable(idempotencyKey));
    }

    public LedgerName fromLedger() {
        return LedgerName.ofAccountId(from).orElseThrow(() -> ProblemException.accountNotFound(from));
    }

    public LedgerName toLedger() {
        return LedgerName.ofAccountId(to).orElseThrow(() -> ProblemException.accountNotFound(to));
    }

    public boolean crossLedger() {
        return fromLedger() != toLedger();
    }

    /**
     * Whether the debit ledger's pool is asked for a connection before the credit ledger's. Whatever holds both
     * ledgers' connections takes them in one fixed order (PostgreSQL, then MySQL): two opposing transfers that
     * each held one pool's last connection while waiting for the other's would both wait for the acquisition
     * timeout.
     */
    public boolean debitLedgerFirst() {
        return fromLedger().compareTo(toLedger()) <= 0;
    }

    /** What a replay must match to be the same request. */
    public String requestHash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((from + "\n" + to + "\n" + Amounts.format(amount)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
