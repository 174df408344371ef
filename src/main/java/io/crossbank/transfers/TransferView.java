package io.crossbank.transfers;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.crossbank.ledger.Amounts;
import io.crossbank.ledger.JournalEntry;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.TransferRecord;

/**
 * A transfer as the API shows it: its record's mode and status, and in {@code entries} the ledger sides its
 * journal rows show (omitted in an account's list of transfers).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferView(String id, String from, String to, String amount, String currency, String mode, String status,
        String reason, Instant createdAt, List<Entry> entries) {

    public record Entry(String ledger, String account, String direction) {
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
                record.mode.name().toLowerCase(Locale.ROOT), record.status.name(), record.reason, record.createdAt, null);
    }

    private TransferView withEntries(List<Entry> sides) {
        return new TransferView(id, from, to, amount, currency, mode, status, reason, createdAt, sides);
    }
}
