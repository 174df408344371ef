package io.crossbank.ops.sagas;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.crossbank.ApiDocument;
import io.crossbank.ops.OpsAudit;

/**
 * The answer to a re-drive or a compensation of one saga.
 *
 * @param auditId the ops_audit row in the saga's debited ledger (absent if that write failed; the log line remains)
 */
@Schema(description = "What a re-drive or compensation of a saga did, or for a dry run would do")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SagaAction(
        @Schema(required = true, pattern = ApiDocument.TRANSFER_ID_PATTERN, example = ApiDocument.TRANSFER_EXAMPLE) String id,
        @Schema(required = true, description = "RESUME for a re-drive, COMPENSATE") OpsAudit.Action action,
        @Schema(required = true) boolean dryRun,
        @Schema(required = true, enumeration = { "DRY_RUN", "RESUMED", "COMPENSATED", "CANCELLED" },
                description = "CANCELLED: the CANCELLED deciding row is written but the refund failed; the resumer refunds once the "
                        + "debited ledger is back") OpsAudit.Outcome outcome,
        @Schema(required = true, description = "What was done, in words") String detail,
        @Schema(description = "The ops_audit row in the saga's debited ledger; absent if it could not be written", example = "7") Long auditId,
        @Schema(required = true, description = "The saga before") SagaView before,
        @Schema(required = true, description = "The saga after, or for a dry run as before") SagaView after) {
}
