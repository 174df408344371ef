package io.crossbank.ledger;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** An Idempotency-Key, written in the same XA transaction as the transfer it names. */
@Entity
@Table(name = "idempotency_key")
public class IdempotencyRecord {

    @Id
    @Column(name = "idem_key", length = 200)
    public String key;

    /** SHA-256 of the request, so a reuse of the key with another body is detected. */
    @JdbcTypeCode(SqlTypes.CHAR)
    @Column(name = "request_hash", nullable = false, length = 64)
    public String requestHash;

    @JdbcTypeCode(SqlTypes.CHAR)

    @Column(name = "transfer_id", nullable = false, length = 36)
    public String transferId;

    @Column(name = "created_at", nullable = false)
    @Convert(converter = InstantMicros.class)
    public Instant createdAt;

    /** The key of a transfer request, what a replay must match ({@code requestHash}) and the transfer it made. */
    public static IdempotencyRecord of(String key, String requestHash, String transferId, Instant createdAt) {
        IdempotencyRecord record = new IdempotencyRecord();
        record.key = key;
        record.requestHash = requestHash;
        record.transferId = transferId;
        record.createdAt = createdAt;
        return record;
    }
}
