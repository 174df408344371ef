package io.crossbank.ledger;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One event of the transactional outbox, written in the same transaction as the change it announces, so that it
 * exists exactly when that change committed. The relay (io.crossbank.events) publishes it and sets
 * {@link #sentAt} after the broker's confirm; its SQL is plain JDBC, this mapping is for the transfer's insert.
 */
@Entity
@Table(name = "outbox")
public class OutboxEvent {

    /** A CloudEvents id: one per event, the same on every publication of it. */
    @Id
    @JdbcTypeCode(SqlTypes.CHAR)
    @Column(name = "event_id", length = 36)
    public String eventId;

    /** Assigned by the database at insert (identity / AUTO_INCREMENT): the order the relay publishes in. */
    @Column(insertable = false, updatable = false)
    public Long seq;

    /** The transfer the event is about. */
    @JdbcTypeCode(SqlTypes.CHAR)
    @Column(name = "aggregate_id", nullable = false, length = 36)
    public String aggregateId;

    @Column(nullable = false, length = 100)
    public String type;

    /** The whole CloudEvents structured JSON event, as it is published. */
    @Column(nullable = false, length = 8000)
    public String payload;

    @Column(name = "created_at", nullable = false)
    @Convert(converter = InstantMicros.class)
    public Instant createdAt;

    @Column(name = "sent_at")
    @Convert(converter = InstantMicros.class)
    public Instant sentAt;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "last_error", length = 1000)
    public String lastError;

    @Column(name = "next_attempt_at", nullable = false)
    @Convert(converter = InstantMicros.class)
    public Instant nextAttemptAt;
}
