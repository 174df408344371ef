package io.crossbank.ledger;

import java.time.Instant;

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
 * The row that decides a saga, in the credited ledger: inserted by the credit (DONE, with the credit) or by the
 * compensation (CANCELLED, before the refund). Its primary key lets only the first of the two exist.
 */
@Entity
@Table(name = "saga_credit")
public class SagaCredit {

    public enum Outcome {
        DONE, CANCELLED
    }

    @Id
    @JdbcTypeCode(SqlTypes.CHAR)
    @Column(name = "transfer_id", length = 36)
    public String transferId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 9)
    public Outcome outcome;

    /** Why the credit was refused (CANCELLED only). */
    @Column(length = 500)
    public String reason;

    @Column(name = "created_at", nullable = false)
    @Convert(converter = InstantMicros.class)
    public Instant createdAt;
}
