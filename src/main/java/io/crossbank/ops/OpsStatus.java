package io.crossbank.ops;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What the operators' console shows in its header: this instance, its recovery, each ledger's health, and the caller. */
@Schema(description = "This instance as operators see it: node name, recovery pace and passes, each ledger's health, and what the caller may do")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OpsStatus(
        @Schema(required = true, description = "When this status was put together") Instant at,
        @Schema(required = true, description = "This instance's node name (quarkus.transaction-manager.node-name): its recovery resolves only "
                + "branches carrying it", example = "crossbank-1") String node,
        @Schema(required = true, description = "The caller's name", example = "ops") String user,
        @Schema(required = true, description = "Whether the caller may act (role ops); role viewer only reads") boolean mayAct,
        @Schema(required = true, description = "crossbank.in-doubt.max-age in seconds: readiness turns DOWN past it, and it is the youngest "
                + "branch an operator may decide", example = "120") long inDoubtMaxAgeSeconds,
        @Schema(required = true) Recovery recovery,
        @Schema(required = true, description = "Each ledger, from a scan at most crossbank.in-doubt.scan-interval old") List<LedgerHealth> ledgers) {

    @Schema(description = "Narayana's periodic recovery on this instance")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Recovery(
            @Schema(required = true, description = "quarkus.transaction-manager.enable-recovery") boolean enabled,
            @Schema(required = true, description = "crossbank.recovery.period in seconds", example = "5") double periodSeconds,
            @Schema(required = true, description = "crossbank.recovery.backoff in seconds", example = "1") double backoffSeconds,
            @Schema(required = true, description = "crossbank.recovery.orphan-safety-interval in seconds", example = "2") double orphanSafetyIntervalSeconds,
            @Schema(required = true, description = "Recovery passes completed since this instance started, periodic or asked for", example = "12") long passes,
            @Schema(description = "When the last of them ended; absent before the first") Instant lastPassCompletedAt,
            @Schema(description = "The last pass asked for with POST /ops/recovery since this instance started; absent if none") OnDemandPass lastOnDemand) {
    }

    @Schema(description = "A recovery pass an operator asked for, and what it changed")
    public record OnDemandPass(
            @Schema(required = true) Instant startedAt,
            @Schema(required = true, example = "1043") long durationMillis,
            @Schema(required = true, description = "Who asked for it", example = "ops") String principal,
            @Schema(required = true, description = "Branches in doubt before the pass", example = "2") int before,
            @Schema(required = true, description = "Branches in doubt after the pass", example = "1") int after,
            @Schema(required = true, description = "Branches listed before and gone after", example = "1") int resolved,
            @Schema(required = true, description = "Branches prepared meanwhile", example = "0") int appeared,
            @Schema(required = true, description = "Ledgers that could not be scanned after the pass") List<String> unreachable) {
    }

    @Schema(description = "One ledger's health as far as two-phase commit goes")
    public record LedgerHealth(
            @Schema(required = true, enumeration = { "postgres", "mysql" }) String ledger,
            @Schema(required = true, description = "Whether its database answered the last scan of prepared branches") boolean reachable,
            @Schema(required = true, description = "Prepared branches in doubt (0 when unreachable)", example = "0") int inDoubt,
            @Schema(required = true, description = "Age of the oldest of them in seconds, 0 if none", example = "0") long oldestInDoubtSeconds,
            @Schema(required = true, description = "Whether the oldest is past crossbank.in-doubt.max-age (readiness is DOWN)") boolean pastMaxAge) {
    }
}
