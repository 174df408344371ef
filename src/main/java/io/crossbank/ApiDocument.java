package io.crossbank;

import io.crossbank.ledger.Amounts;

/**
 * Names and grammars the OpenAPI document shares between operations; the shared responses themselves are declared in
 * this package's package-info.
 */
public final class ApiDocument {

    public static final String TAG_ACCOUNTS = "Accounts";
    public static final String TAG_TRANSFERS = "Transfers";
    public static final String TAG_LEDGERS = "Ledgers";
    public static final String TAG_OPS = "Operators";

    /** The security scheme of the /ops operations; the public ones declare none. */
    public static final String OPS_SECURITY = "opsBasic";

    // Names of the shared responses (package-info), for @APIResponse(ref = ...).
    public static final String INVALID_REQUEST = "InvalidRequest";
    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String FORBIDDEN = "Forbidden";
    public static final String ACCOUNT_NOT_FOUND = "AccountNotFound";
    public static final String TRANSFER_NOT_FOUND = "TransferNotFound";
    public static final String BRANCH_NOT_FOUND = "InDoubtBranchNotFound";
    public static final String EVENT_NOT_FOUND = "EventNotFound";
    public static final String EVENT_ALREADY_SENT = "EventAlreadySent";
    public static final String SAGA_NOT_FOUND = "SagaNotFound";
    public static final String SAGA_ACTION_REFUSED = "SagaActionRefused";
    public static final String NOT_ACCEPTABLE = "NotAcceptable";
    public static final String IDEMPOTENCY_CONFLICT = "IdempotencyConflict";
    public static final String RECOVERY_DISABLED = "RecoveryDisabled";
    public static final String RESOLUTION_REFUSED = "ResolutionRefused";
    public static final String PAYLOAD_TOO_LARGE = "PayloadTooLarge";
    public static final String UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType";
    public static final String TRANSFER_REJECTED = "TransferRejected";
    public static final String INTERNAL_ERROR = "InternalError";
    public static final String SERVICE_UNAVAILABLE = "ServiceUnavailable";

    /** An account id as the service generates it: the ledger's prefix and a random UUID. */
    public static final String ACCOUNT_ID_PATTERN = "^(pg|my)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
    public static final String TRANSFER_ID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
    /** Money in a request: a JSON string, digits and at most two fraction digits (the grammar of {@link Amounts}). */
    public static final String AMOUNT_PATTERN = Amounts.PATTERN;
    public static final String PG_ACCOUNT_EXAMPLE = "pg-6f1c2a4e-8b3d-4c5e-9f70-1a2b3c4d5e6f";
    public static final String MY_ACCOUNT_EXAMPLE = "my-0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a";
    public static final String TRANSFER_EXAMPLE = "5c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f";
    /** A transfer event's id (CloudEvents id): a lower-case random UUID. */
    public static final String EVENT_ID_PATTERN = TRANSFER_ID_PATTERN;
    public static final String EVENT_EXAMPLE = "0b6f3c6e-6c4e-4b64-9d1a-6f1d2a0b7c11";

    private ApiDocument() {
    }
}
