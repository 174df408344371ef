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
        XA,
        /** Local transactions, one ledger at a time, with a compensation (docs/sagas.md). */
        SAGA;

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

    /** What a pending saga does next; DONE once it settled. Null for an XA transfer. */
    public enum SagaStep {
        /** Step 2: decide on the credited ledger (credit, or cancel when the credit is refused). */
        CREDIT,
        /** Step 3: the credit is decided DONE; release the held money. */
        SETTLE,
        /** The credit is decided CANCELLED; give the held money back. */
        REFUND,
        DONE
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

    // A saga's progress (all null or 0 for an XA transfer).

    @Enumerated(EnumType.STRING)
    @Column(name = "saga_step", length = 8)
    public SagaStep sagaStep;

    /** Failed attempts of the current step. */
    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at")
    @Convert(converter = InstantMicros.class)
    public Instant nextAttemptAt;

    /** The node name of the instance working on the saga until {@link #leaseUntil}. */
    @Column(name = "lease_owner", length = 64)
    public String leaseOwner;

    @Column(name = "lease_until")
    @Convert(converter = InstantMicros.class)
    public Instant leaseUntil;

    @Column(name = "last_error", length = 1000)
    public String lastError;

    /** Since when the saga is past its retry budget (still retried, flagged for operators). */
    @Column(name = "stuck_at")
    @Convert(converter = InstantMicros.class)
    public Instant stuckAt;

    /** When it was committed or compensated. */
    @Column(name = "settled_at")
    @Convert(converter = InstantMicros.class)
    public Instant settledAt;
}
