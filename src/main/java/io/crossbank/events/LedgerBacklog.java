package io.crossbank.events;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What one ledger's outbox holds unsent, or that it could not be read. */
@Schema(description = "One ledger's outbox backlog")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LedgerBacklog(
        @Schema(required = true, enumeration = { "postgres", "mysql" }) String ledger,
        @Schema(required = true, description = "false when the ledger's database could not be read: its rows are missing from items") boolean readable,
        @Schema(description = "Rows not yet confirmed by the broker; absent when unreadable", example = "3") Long unsent,
        @Schema(description = "Age of the oldest of them in seconds, 0 when none waits; absent when unreadable", example = "12.5") Double oldestUnsentSeconds,
        @Schema(description = "Why the ledger could not be read", example = "Connection refused") String error) {

    static LedgerBacklog readable(String ledger, long unsent, double oldestUnsentSeconds) {
        return new LedgerBacklog(ledger, true, unsent, oldestUnsentSeconds, null);
    }

    static LedgerBacklog unreadable(String ledger, String error) {
        return new LedgerBacklog(ledger, false, null, null, error);
    }
}
