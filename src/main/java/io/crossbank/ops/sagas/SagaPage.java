package io.crossbank.ops.sagas;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "A page of the sagas of both ledgers, and each ledger's unfinished ones")
public record SagaPage(
        @Schema(required = true, description = "Unfinished: stuck first, then the oldest pending; committed or compensated: the latest settled first")
        List<SagaView> items,
        @Schema(required = true, description = "The page number, from 0", example = "0") int page,
        @Schema(required = true, description = "The page size asked for", example = "20") int size,
        @Schema(required = true, description = "How many sagas match in all pages (of the readable ledgers)", example = "1") long total,
        @Schema(required = true, enumeration = { "unfinished", "pending", "stuck", "committed", "compensated" },
                description = "The filter applied: unfinished (the default) is pending and stuck") String state,
        @Schema(required = true, description = "Each ledger's unfinished sagas, or why it could not be read") List<SagaLedger> ledgers) {
}
