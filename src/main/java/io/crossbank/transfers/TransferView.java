package io.crossbank.transfers;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.crossbank.ApiDocument;
import io.crossbank.ledger.Amounts;
import io.crossbank.ledger.JournalEntry;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.TransferRecord;

/**
 * A transfer as the API shows it: its record's mode and status, and in {@code entries} the ledger sides its
 * journal rows show (omitted in an account's list of transfers).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "A transfer")
public record TransferView(
        @Schema(required = true, pattern = ApiDocument.TRANSFER_ID_PATTERN, example = ApiDocument.TRANSFER_EXAMPLE) String id,
        @Schema(required = true, description = "The debited account", example = ApiDocument.PG_ACCOUNT_EXAMPLE) String from,
        @Schema(required = true, description = "The credited account", example = ApiDocument.MY_ACCOUNT_EXAMPLE) String to,
        @Schema(required = true, description = "A decimal string with two fraction digits", example = "12.34") String amount,
        @Schema(required = true, description = "ISO 4217 code of both accounts", example = "EUR") String currency,
        @Schema(required = true, enumeration = "xa", description = "How the transfer is carried out: one XA transaction") String mode,
        @Schema(required = true, enumeration = "COMMITTED",
                description = "An XA transfer is visible only once committed in every ledger it touches") String status,
        @Schema(description = "Why a transfer was compensated (absent otherwise)") String reason,
        @Schema(required = true) Instant createdAt,
        @Schema(description = "The ledger sides found, debit first; absent from the lists of GET /transfers?account=") List<Entry> entries) {

    @Schema(description = "One ledger's side of a transfer")
    public record Entry(
            @Schema(required = true, enumeration = { "postgres", "mysql" }, example = "postgres") String ledger,
            @Schema(required = true, example = ApiDocument.PG_ACCOUNT_EXAMPLE) String account,
            @Schema(required = true, enumeration = { "DEBIT", "CREDIT" }, example = "DEBIT") String direction) {
    }

    /** The transfer with the journal rows of both ledgers. */
    static TransferView of(TransferRecord record, List<JournalEntry> rows) {
        List<Entry> entries = rows.stream()
                .filter(e -> e.key.kind == JournalEntry.Kind.TRANSFER)
                .sorted(Comparator.comparing((JournalEntry e) -> e.direction))
                .map(e -> new Entry(LedgerName.ofAccountId(e.key.accountId).orElseThrow().apiName(), e.key.accountId,
                        e.direction.name()))
                .toList();
        return summary(record).withEntries(entries);
    }

    /** Without the ledger sides. */
    static TransferView summary(TransferRecord record) {
        return new TransferView(record.id, record.fromAccount, record.toAccount, Amounts.format(record.amount), record.currency,
                record.mode.apiName(), record.status.name(), record.reason, record.createdAt, null);
    }

    private TransferView withEntries(List<Entry> sides) {
        return new TransferView(id, from, to, amount, currency, mode, status, reason, createdAt, sides);
    }
}
