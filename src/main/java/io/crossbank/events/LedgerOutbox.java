package io.crossbank.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.crossbank.ledger.InstantMicros;

/** The relay's SQL on one ledger's outbox, on one connection (the caller owns its transaction). */
final class LedgerOutbox {

    private static final String CLAIM = "SELECT event_id, seq, type, payload, attempts, next_attempt_at FROM outbox"
            + " WHERE sent_at IS NULL AND type = ? ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED";
    private static final String HEADS = "SELECT type, MIN(seq) FROM outbox WHERE sent_at IS NULL GROUP BY type";
    private static final String MARK_SENT = "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE event_id = ?";
    private static final String MARK_FAILED = "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE event_id = ?";
    private static final String PRUNE = "DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?";
    private static final int MAX_ERROR = 1000;

    private final Connection db;

    LedgerOutbox(Connection db) {
        this.db = db;
    }

    /**
     * Locks and returns up to {@code limit} of the oldest unsent rows of one event type that no other transaction
     * holds, in seq order.
     */
    List<OutboxRow> claim(String type, int limit) throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        try (PreparedStatement claim = db.prepareStatement(CLAIM)) {
            claim.setString(1, type);
            claim.setInt(2, limit);
            try (ResultSet rs = claim.executeQuery()) {
                while (rs.next()) {
                    rows.add(new OutboxRow(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            InstantMicros.fromMicros(rs.getLong(6))));
                }
            }
        }
        return rows;
    }

    /** Each event type with unsent rows, and the seq of its oldest unsent row, whoever holds it. */
    Map<String, Long> heads() throws SQLException {
        Map<String, Long> heads = new TreeMap<>();
        try (PreparedStatement head = db.prepareStatement(HEADS); ResultSet rs = head.executeQuery()) {
            while (rs.next()) {
                heads.put(rs.getString(1), rs.getLong(2));
            }
        }
        return heads;
    }

    void markSent(List<OutboxRow> rows, Instant sentAt) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement sent = db.prepareStatement(MARK_SENT)) {
            for (OutboxRow row : rows) {
                sent.setLong(1, InstantMicros.toMicros(sentAt));
                sent.setString(2, row.eventId());
                sent.addBatch();
            }
            sent.executeBatch();
        }
    }

    void markFailed(OutboxRow row, String error, Instant nextAttemptAt) throws SQLException {
        try (PreparedStatement failed = db.prepareStatement(MARK_FAILED)) {
            failed.setString(1, error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR));
            failed.setLong(2, InstantMicros.toMicros(nextAttemptAt));
            failed.setString(3, row.eventId());
            failed.executeUpdate();
        }
    }

    /** Deletes the rows sent before {@code before}; returns how many. */
    int prune(Instant before) throws SQLException {
        try (PreparedStatement prune = db.prepareStatement(PRUNE)) {
            prune.setLong(1, InstantMicros.toMicros(before));
            return prune.executeUpdate();
        }
    }
}
