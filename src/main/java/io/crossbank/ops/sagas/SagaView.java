package io.crossbank.ops.sagas;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.crossbank.ApiDocument;
import io.crossbank.transfers.TransferView;

/** A saga as operators see it: its record in the debited ledger, its deciding row in the credited one, its steps. */
@Schema(description = "A saga: where it stands, why it waits, who holds it")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SagaView(
        @Schema(required = true, pattern = ApiDocument.TRANSFER_ID_PATTERN, example = ApiDocument.TRANSFER_EXAMPLE) String id,
        @Schema(required = true, enumeration = { "postgres", "mysql" }, description = "The debited ledger, which holds the saga's record") String ledger,
        @Schema(required = true, example = ApiDocument.PG_ACCOUNT_EXAMPLE) String from,
        @Schema(required = true, example = ApiDocument.MY_ACCOUNT_EXAMPLE) String to,
        @Schema(required = true, example = "12.34") String amount,
        @Schema(required = true, example = "EUR") String currency,
        @Schema(required = true, enumeration = { "pending", "stuck", "committed", "compensated" },
                description = "stuck: pending and past crossbank.saga.max-attempts failed attempts (still retried)") String state,
        @Schema(required = true, enumeration = { "PENDING", "COMMITTED", "COMPENSATED" }) String status,
        @Schema(required = true, enumeration = { "CREDIT", "SETTLE", "REFUND", "DONE" },
                description = "What it does next: CREDIT (step 2, decide on the credited ledger), SETTLE or REFUND (step 3 or 3'), DONE") String step,
        @Schema(required = true, enumeration = { "DONE", "CANCELLED", "NONE", "UNKNOWN" },
                description = "The deciding row in the credited ledger: none yet, or UNKNOWN while that ledger cannot be read") String decision,
        @Schema(required = true, description = "Failed attempts of the current step", example = "0") int attempts,
        @Schema(description = "Why the last attempt failed") String lastError,
        @Schema(description = "Since when it is stuck") Instant stuckAt,
        @Schema(description = "The node name of the instance holding it") String leaseOwner,
        @Schema(description = "Until when that instance holds it") Instant leaseUntil,
        @Schema(description = "When it is due again (pending only)") Instant nextAttemptAt,
        @Schema(description = "Why it was compensated") String reason,
        @Schema(required = true) Instant createdAt,
        @Schema(required = true) Instant updatedAt,
        @Schema(description = "When it was committed or compensated") Instant settledAt,
        @Schema(required = true, description = "Its committed steps, in order (without the decision while the credited ledger cannot be read)")
        List<TransferView.Step> steps) {
}
