package io.crossbank.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A transfer's own record: how it is carried out and where it stands. Kept in the ledger of the debited account
 * (beside the Idempotency-Key that names it) and written in the same transaction as the transfer's first change
 * there, so it never claims more than the ledgers hold.
 */
@Entity
@Table(name = "transfer")
public class TransferRecord {

    public enum Mode {
        /** One XA transaction over both ledgers: committed in both or in neither. */
        XA;

        /** As the API and the configuration spell it: "xa". */
        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Status {
        /** Accepted, not yet applied everywhere (a mode that answers before it is done). */
        PENDING,
        COMMITTED,
        /** Undone by a compensating movement; {@link TransferRecord#reason} says why. */
        COMPENSATED
    }

    @Id
    @JdbcTypeCode(SqlTypes.CHAR)
    @Column(length = 36)
    public String id;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 8)
    public Mode mode;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 12)
    public Status status;

    @Column(name = "from_account", nullable = false, length = 40)
    public String fromAccount;

    @Column(name = "to_account", nullable = false, length = 40)
    public String toAccount;

    @Column(nullable = false, precision = 19, scale = 2)
    public BigDecimal amount;

    @JdbcTypeCode(SqlTypes.CHAR)
    @Column(nullable = false, length = 3)
    public String currency;

    @Column(length = 500)
    public String reason;

    @Column(name = "created_at", nullable = false)
    @Convert(converter = InstantMicros.class)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    @Convert(converter = InstantMicros.class)
    public Instant updatedAt;
}
