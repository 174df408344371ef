package io.crossbank.ops;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.crossbank.events.StuckEvent;

/**
 * The answer to a re-drive of one outbox event.
 *
 * @param olderMadeDue the older unsent rows of the ledger made due with it: the relay publishes in seq order, so it
 *                     waits behind them
 * @param auditId      the ops_audit row in the event's ledger (absent if that write failed; the log line remains)
 */
@Schema(description = "What a re-drive did, or for a dry run would do")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Redrive(
        @Schema(required = true, enumeration = { "postgres", "mysql" }) String ledger,
        @Schema(required = true) String id,
        @Schema(required = true, description = "REDRIVE for an unsent event, REPUBLISH for a sent one") OpsAudit.Action action,
        @Schema(required = true) boolean dryRun,
        @Schema(required = true, enumeration = { "DRY_RUN", "REDRIVEN", "REPUBLISHED" }) OpsAudit.Outcome outcome,
        @Schema(required = true, description = "What was done, in words") String detail,
        @Schema(required = true, description = "Older unsent rows of the ledger made due with it (it waits behind them)", example = "0") int olderMadeDue,
        @Schema(description = "The ops_audit row in the event's ledger; absent if it could not be written", example = "7") Long auditId,
        @Schema(required = true, description = "The row before") StuckEvent before,
        @Schema(required = true, description = "The row after, or for a dry run as it would be") StuckEvent after) {
}
