package io.crossbank.transfers;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.crossbank.ledger.Amounts;
import io.crossbank.ledger.JournalEntry;
import io.crossbank.ledger.LedgerName;

/**
 * A committed transfer. A journal row only becomes visible once the transaction's outcome is commit, so
 * any row found means COMMITTED; {@code entries} lists the ledger sides found.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferView(String id, String from, String to, String amount, String currency, String status,
        Instant createdAt, List<Entry> entries) {

    public static final String COMMITTED = "COMMITTED";

    public record Entry(String ledger, String account, String direction) {
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
