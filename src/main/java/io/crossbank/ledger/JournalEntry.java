package io.crossbank.ledger;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One ledger's side of a transfer: the debit or the credit of one of its accounts (or the compensation of one). */
@Entity
@Table(name = "journal_entry")
public class JournalEntry {

    public enum Direction {
        DEBIT, CREDIT
    }

    /** Why the account moved: the transfer itself, or the compensation that reverses a side of it. */
    public enum Kind {
        TRANSFER, COMPENSATION
    }

    @Embeddable
    public static class Key implements Serializable {
        @JdbcTypeCode(SqlTypes.CHAR)
        @Column(name = "transfer_id", length = 36)
        public String transferId;

        @Column(name = "account_id", length = 40)
        public String accountId;

        @Enumerated(EnumType.STRING)
        @Column(length = 12)
        public Kind kind;

        public Key() {
        }

        public Key(String transferId, String accountId, Kind kind) {
            this.transferId = transferId;
            this.accountId = accountId;
            this.kind = kind;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(transferId, k.transferId) && Objects.equals(accountId, k.accountId)
                    && kind == k.kind;
        }

        @Override
        public int hashCode() {
            return Objects.hash(transferId, accountId, kind);
        }
    }

    @EmbeddedId
    public Key key;

    @Column(name = "counterparty_id", nullable = false, length = 40)
    public String counterpartyId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 6)
    public Direction direction;

    @Column(nullable = false, precision = 19, scale = 2)
    public BigDecimal amount;

    @JdbcTypeCode(SqlTypes.CHAR)

    @Column(nullable = false, length = 3)
    public String currency;

    @Column(name = "created_at", nullable = false)
    @Convert(converter = InstantMicros.class)
    public Instant createdAt;

    public String fromAccount() {
        return direction == Direction.DEBIT ? key.accountId : counterpartyId;
    }

    public String toAccount() {
        return direction == Direction.DEBIT ? counterpartyId : key.accountId;
    }

    /** One movement of {@code account} in a transfer, against {@code counterparty}. */
    public static JournalEntry of(String transferId, String account, String counterparty, Direction direction, Kind kind,
            BigDecimal amount, String currency, Instant createdAt) {
        JournalEntry entry = new JournalEntry();
        entry.key = new Key(transferId, account, kind);
        entry.counterpartyId = counterparty;
        entry.direction = direction;
        entry.amount = amount;
        entry.currency = currency;
        entry.createdAt = createdAt;
        return entry;
    }
}
