package io.crossbank.ops.sagas;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One ledger's unfinished sagas (those it debits), or why it could not be read. */
@Schema(description = "One ledger's unfinished sagas, or why it could not be read")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SagaLedger(
        @Schema(required = true, enumeration = { "postgres", "mysql" }) String ledger,
        @Schema(required = true, description = "false: the ledger could not be read; its sagas are missing from the page") boolean readable,
        @Schema(description = "Pending sagas it debits, stuck ones included (readable only)", example = "0") Long pending,
        @Schema(description = "Of those, the stuck ones (readable only)", example = "0") Long stuck,
        @Schema(description = "Age in seconds of its oldest pending saga, 0 when none (readable only)", example = "0") Double oldestPendingSeconds,
        @Schema(description = "Why it could not be read (unreadable only)") String error) {

    static SagaLedger readable(String ledger, long pending, long stuck, double oldestPendingSeconds) {
        return new SagaLedger(ledger, true, pending, stuck, oldestPendingSeconds, null);
    }

    static SagaLedger unreadable(String ledger, String error) {
        return new SagaLedger(ledger, false, null, null, null, error);
    }
}
