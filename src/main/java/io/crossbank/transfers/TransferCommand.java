package io.crossbank.transfers;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Collectors;

import io.crossbank.ledger.Amounts;
import io.crossbank.ledger.Ids;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.TransferRecord;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.Text;

/**
 * A validated transfer request: what any transfer mode executes.
 *
 * @param withEvent whether the transfer writes its event to the outbox: always, except for the benchmark's
 *                  comparison point ({@link #withoutEvent()}), which measures what the outbox costs
 * @param waitFor   how long a mode that may answer before it is done (a saga) waits for completion before it answers
 *                  202; empty: the mode's default ({@code Prefer: wait=N}, already bounded, sets it)
 */
public record TransferCommand(String from, String to, BigDecimal amount, TransferRecord.Mode mode, Optional<String> idempotencyKey,
        boolean withEvent, Optional<Duration> waitFor) {

    private static final BigDecimal CENT = new BigDecimal("0.01");

    /**
     * @param idempotencyKey already checked by {@link IdempotencyKey}; null without one
     */
    public static TransferCommand of(TransferRequest request, String idempotencyKey, BigDecimal maxAmount,
            TransferRecord.Mode defaultMode) {
        requireAccountId("from", request.from());
        requireAccountId("to", request.to());
        if (request.from().equals(request.to())) {
            throw ProblemException.invalid("from and to are the same account: " + request.from());
        }
        BigDecimal amount = Amounts.parse("amount", request.amount(), CENT, maxAmount);
        TransferRecord.Mode mode = request.mode() == null ? defaultMode : mode(request.mode());
        return new TransferCommand(request.from(), request.to(), amount, mode, Optional.ofNullable(idempotencyKey), true,
                Optional.empty());
    }

    /** The same transfer without its outbox row: only the benchmark's {@code xa-no-events} mode sends one. */
    public TransferCommand withoutEvent() {
        return new TransferCommand(from, to, amount, mode, idempotencyKey, false, waitFor);
    }

    public TransferCommand withWait(Optional<Duration> waitFor) {
        return new TransferCommand(from, to, amount, mode, idempotencyKey, withEvent, waitFor);
    }

    private static TransferRecord.Mode mode(String name) {
        return Arrays.stream(TransferRecord.Mode.values())
                .filter(m -> m.apiName().equals(name))
                .findFirst()
                .orElseThrow(() -> ProblemException.invalid("mode must be one of " + Arrays.stream(TransferRecord.Mode.values())
                        .map(m -> "\"" + m.apiName() + "\"").collect(Collectors.joining(", ")) + ", got "
                        + Text.quoted(name)));
    }

    private static void requireAccountId(String field, String id) {
        if (LedgerName.ofAccountId(id).isEmpty()) {
            throw ProblemException.invalid(field + " must be " + Ids.ACCOUNT_ID_FORM + ", got " + Text.quoted(id));
        }
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

    /** What a replay must match to be the same request. */
    public String requestHash() {
        try {
            // The mode is left out: a retry that names the default mode explicitly is still the same transfer.
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((from + "\n" + to + "\n" + Amounts.format(amount)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
