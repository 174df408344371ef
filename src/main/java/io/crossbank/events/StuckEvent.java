package io.crossbank.events;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.crossbank.ApiDocument;

/** One outbox row as an operator sees it. */
@Schema(description = "An outbox row: one transfer's event and where its publication stands")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StuckEvent(
        @Schema(required = true, enumeration = { "postgres", "mysql" }, description = "The ledger whose outbox holds it (the debited account's)") String ledger,
        @Schema(required = true, description = "The event id (CloudEvents id, AMQP message-id)", pattern = ApiDocument.EVENT_ID_PATTERN,
                example = ApiDocument.EVENT_EXAMPLE) String id,
        @Schema(required = true, description = "The transfer it announces", pattern = ApiDocument.TRANSFER_ID_PATTERN,
                example = ApiDocument.TRANSFER_EXAMPLE) String transferId,
        @Schema(required = true, example = TransferEvents.TRANSFER_COMMITTED) String type,
        @Schema(required = true, description = "Its place in the ledger's publication order", example = "42") long seq,
        @Schema(required = true, description = "When its transfer committed") Instant createdAt,
        @Schema(required = true, description = "The relay publishes it no earlier than this (backoff after a failure)") Instant nextAttemptAt,
        @Schema(description = "When the broker confirmed it; absent while unsent") Instant sentAt,
        @Schema(required = true, description = "Publications tried so far", example = "3") int attempts,
        @Schema(description = "Why the last publication failed; absent if none failed or once sent",
                example = "unroutable: no queue is bound to crossbank.events for transfer.committed (312 NO_ROUTE)") String lastError) {
}
