package io.crossbank.problems;

import java.net.URI;

/** Every kind of error the API answers with, each with a stable type URI. */
public enum ProblemType {
    INVALID_REQUEST(400, "invalid-request", "Invalid request"),
    AUTHENTICATION_REQUIRED(401, "authentication-required", "Authentication required"),
    FORBIDDEN(403, "forbidden", "Forbidden"),
    NOT_FOUND(404, "not-found", "Not found"),
    ACCOUNT_NOT_FOUND(404, "account-not-found", "Account not found"),
    TRANSFER_NOT_FOUND(404, "transfer-not-found", "Transfer not found"),
    IN_DOUBT_BRANCH_NOT_FOUND(404, "in-doubt-branch-not-found", "In-doubt branch not found"),
    EVENT_NOT_FOUND(404, "event-not-found", "Event not found"),
    SAGA_NOT_FOUND(404, "saga-not-found", "Saga not found"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    NOT_ACCEPTABLE(406, "not-acceptable", "Not acceptable"),
    PAYLOAD_TOO_LARGE(413, "payload-too-large", "Request body too large"),
    IDEMPOTENCY_CONFLICT(409, "idempotency-conflict", "Idempotency key reused with another request"),
    RECOVERY_WILL_RESOLVE(409, "recovery-will-resolve", "Recovery will resolve this branch"),
    RESOLUTION_REFUSED(409, "resolution-refused", "The database refused to resolve the branch"),
    BRANCH_TOO_RECENT(409, "in-doubt-too-recently", "The branch may still be in flight"),
    RECOVERY_DISABLED(409, "recovery-disabled", "Recovery is disabled"),
    EVENT_ALREADY_SENT(409, "event-already-sent", "The event was already sent"),
    SAGA_SETTLED(409, "saga-settled", "The saga is settled"),
    SAGA_CREDIT_DONE(409, "saga-credit-done", "The saga's credit is done"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
    INSUFFICIENT_FUNDS(422, "insufficient-funds", "Insufficient funds"),
    CURRENCY_MISMATCH(422, "currency-mismatch", "Currency mismatch"),
    BALANCE_LIMIT(422, "balance-limit", "Balance limit exceeded"),
    ACCOUNT_FROZEN(422, "account-frozen", "Account frozen"),
    INTERNAL_ERROR(500, "internal-error", "Internal error"),
    LEDGER_BUSY(503, "ledger-busy", "Ledger busy"),
    LEDGER_UNAVAILABLE(503, "ledger-unavailable", "Ledger unavailable"),
    TRANSACTION_TIMEOUT(503, "transaction-timeout", "Transaction timed out"),
    DRAINING(503, "draining", "Instance draining");

    private final int status;
    private final URI type;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.type = URI.create("urn:crossbank:problem:" + slug);
        this.title = title;
    }

    public int status() {
        return status;
    }

    public URI type() {
        return type;
    }

    public String title() {
        return title;
    }

    public static ProblemType forStatus(int status) {
        return switch (status) {
            case 401 -> AUTHENTICATION_REQUIRED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 503 -> LEDGER_UNAVAILABLE;
            default -> status >= 500 ? INTERNAL_ERROR : INVALID_REQUEST;
        };
    }
}
