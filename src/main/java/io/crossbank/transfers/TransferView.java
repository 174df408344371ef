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

/**
 * A committed transfer. A journal row only becomes visible once the transaction's outcome is commit, so
 * any row found means COMMITTED; {@code entries} lists the ledger sides found.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "A committed transfer")
public record TransferView(
        @Schema(required = true, pattern = ApiDocument.TRANSFER_ID_PATTERN, example = ApiDocument.TRANSFER_EXAMPLE) String id,
        @Schema(required = true, description = "The debited account", example = ApiDocument.PG_ACCOUNT_EXAMPLE) String from,
        @Schema(required = true, description = "The credited account", example = ApiDocument.MY_ACCOUNT_EXAMPLE) String to,
        @Schema(required = true, description = "A decimal string with two fraction digits", example = "12.34") String amount,
        @Schema(required = true, description = "ISO 4217 code of both accounts", example = "EUR") String currency,
        @Schema(required = true, enumeration = TransferView.COMMITTED, description = "Only committed transfers are ever visible") String status,
        @Schema(required = true) Instant createdAt,
        @Schema(description = "The ledger sides found, debit first; absent from the lists of GET /transfers?account=") List<Entry> entries) {

    public static final String COMMITTED = "COMMITTED";

    @Schema(description = "One ledger's side of a transfer")
    public record Entry(
            @Schema(required = true, enumeration = { "postgres", "mysql" }, example = "postgres") String ledger,
            @Schema(required = true, example = ApiDocument.PG_ACCOUNT_EXAMPLE) String account,
            @Schema(required = true, enumeration = { "DEBIT", "CREDIT" }, example = "DEBIT") String direction) {
    }

    /** From the journal rows of one transfer (at least one). */
    static TransferView of(List<JournalEntry> rows) {
        JournalEntry first = rows.get(0);
        List<Entry> entries = rows.stream()
                .sorted(Comparator.comparing((JournalEntry e) -> e.direction))
                .map(e -> new Entry(LedgerName.ofAccountId(e.key.accountId).orElseThrow().apiName(), e.key.accountId,
                        e.direction.name()))
                .toList();
        return new TransferView(first.key.transferId, first.fromAccount(), first.toAccount(), Amounts.format(first.amount),
                first.currency, COMMITTED, first.createdAt, entries);
    }

    /** As seen from one account's journal, without the other side. */
    static TransferView summary(JournalEntry row) {
        return new TransferView(row.key.transferId, row.fromAccount(), row.toAccount(), Amounts.format(row.amount),
                row.currency, COMMITTED, row.createdAt, null);
    }
}
