package io.crossbank.events;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "A page of stuck outbox rows of both ledgers, oldest first, and each ledger's backlog")
public record StuckEventPage(
        @Schema(required = true, description = "Unsent rows that failed a publication or are older than stuckAfter, oldest first") List<StuckEvent> items,
        @Schema(required = true, description = "The page number, from 0", example = "0") int page,
        @Schema(required = true, description = "The page size asked for", example = "20") int size,
        @Schema(required = true, description = "How many stuck rows there are in all pages (of the readable ledgers)", example = "1") long total,
        @Schema(required = true, description = "crossbank.events.stuck-after, as an ISO-8601 duration", example = "PT1M") String stuckAfter,
        @Schema(required = true, description = "Each ledger's backlog, stuck or not") List<LedgerBacklog> ledgers) {
}
