package io.crossbank.transfers;

import java.time.Instant;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.crossbank.ApiDocument;
import io.crossbank.ledger.Amounts;
import io.crossbank.ledger.JournalEntry;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.SagaCredit;
import io.crossbank.ledger.TransferRecord;

/**
 * A transfer as the API shows it: its record's mode and status, in {@code entries} the ledger sides its journal rows
 * show, and for a saga in {@code steps} the local transactions it has committed so far (both omitted in an account's
 * list of transfers).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "A transfer")
public record TransferView(
        @Schema(required = true, pattern = ApiDocument.TRANSFER_ID_PATTERN, example = ApiDocument.TRANSFER_EXAMPLE) String id,
        @Schema(required = true, description = "The debited account", example = ApiDocument.PG_ACCOUNT_EXAMPLE) String from,
        @Schema(required = true, description = "The credited account", example = ApiDocument.MY_ACCOUNT_EXAMPLE) String to,
        @Schema(required = true, description = "A decimal string with two fraction digits", example = "12.34") String amount,
        @Schema(required = true, description = "ISO 4217 code of both accounts", example = "EUR") String currency,
        @Schema(required = true, enumeration = { "xa", "saga" },
                description = "How the transfer is carried out: one XA transaction (xa), or local transactions with a "
                        + "compensation (saga)") String mode,
        @Schema(required = true, enumeration = { "PENDING", "COMMITTED", "COMPENSATED" },
                description = "An XA transfer is visible only once committed in every ledger it touches. A saga is PENDING "
                        + "until it is COMMITTED, or COMPENSATED (its credit was refused and the debit given back)") String status,
        @Schema(description = "Why a transfer was compensated (absent otherwise)") String reason,
        @Schema(required = true) Instant createdAt,
        @Schema(description = "The ledger sides found, debit first; absent from the lists of GET /transfers?account=") List<Entry> entries,
        @Schema(description = "A saga's committed steps, in order; absent for an XA transfer and from the lists of "
                + "GET /transfers?account=") List<Step> steps,
        @Schema(description = "Ledgers that could not be read for this answer (down or unreachable): the entries and steps "
                + "they hold are missing from it, the status is the record's own. Absent when every ledger answered",
                example = "[\"mysql\"]") List<String> unavailableLedgers) {

    @Schema(description = "One ledger's side of a transfer")
    public record Entry(
            @Schema(required = true, enumeration = { "postgres", "mysql" }, example = "postgres") String ledger,
            @Schema(required = true, example = ApiDocument.PG_ACCOUNT_EXAMPLE) String account,
            @Schema(required = true, enumeration = { "DEBIT", "CREDIT" }, example = "DEBIT") String direction) {
    }

    @Schema(description = "One local transaction of a saga, committed in one ledger")
    public record Step(
            @Schema(required = true, enumeration = { "debit", "credit", "cancel", "settle", "refund" },
                    description = "debit: the amount moved from the debited account's balance into held; credit: the credited "
                            + "account credited (decides the saga); cancel: the credit refused (decides the saga); settle: the "
                            + "held amount released; refund: the held amount given back", example = "debit") String name,
            @Schema(required = true, enumeration = { "postgres", "mysql" }, example = "postgres") String ledger,
            @Schema(required = true) Instant at) {
    }

    /** The transfer with the journal rows of both ledgers. */
    public static TransferView of(TransferRecord record, List<JournalEntry> rows) {
        return of(record, rows, null);
    }

    /** The transfer with the journal rows of both ledgers and, for a saga, its steps. */
    public static TransferView of(TransferRecord record, List<JournalEntry> rows, List<Step> steps) {
        List<Entry> entries = rows.stream()
                .filter(e -> e.key.kind == JournalEntry.Kind.TRANSFER)
                .sorted(Comparator.comparing((JournalEntry e) -> e.direction))
                .map(e -> new Entry(LedgerName.ofAccountId(e.key.accountId).orElseThrow().apiName(), e.key.accountId,
                        e.direction.name()))
                .toList();
        TransferView summary = summary(record);
        return new TransferView(summary.id, summary.from, summary.to, summary.amount, summary.currency, summary.mode, summary.status,
                summary.reason, summary.createdAt, entries, steps, null);
    }

    /** The same transfer, said to be missing what these ledgers hold (none: unchanged). */
    public TransferView withUnavailable(List<String> ledgers) {
        return ledgers.isEmpty() ? this
                : new TransferView(id, from, to, amount, currency, mode, status, reason, createdAt, entries, steps, List.copyOf(ledgers));
    }

    /**
     * A saga's committed steps: the debit (step 1, on the debited ledger, when the transfer was created), the decision
     * on the credited ledger (its deciding row, credit or cancel) and the settlement (settle or refund) once settled.
     */
    public static List<Step> sagaSteps(TransferRecord record, Optional<SagaCredit> decision) {
        String debited = LedgerName.ofAccountId(record.fromAccount).orElseThrow().apiName();
        String credited = LedgerName.ofAccountId(record.toAccount).orElseThrow().apiName();
        List<Step> steps = new ArrayList<>();
        steps.add(new Step("debit", debited, record.createdAt));
        decision.ifPresent(d -> steps.add(new Step(d.outcome == SagaCredit.Outcome.DONE ? "credit" : "cancel", credited, d.createdAt)));
        if (record.settledAt != null) {
            steps.add(new Step(record.status == TransferRecord.Status.COMMITTED ? "settle" : "refund", debited, record.settledAt));
        }
        return steps;
    }

    /** Without the ledger sides and steps. */
    public static TransferView summary(TransferRecord record) {
        return new TransferView(record.id, record.fromAccount, record.toAccount, Amounts.format(record.amount), record.currency,
                record.mode.apiName(), record.status.name(), record.reason, record.createdAt, null, null, null);
    }
}
