package io.crossbank.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.Ledger;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;

/**
 * Makes one outbox row due now, and wakes the relay. The relay publishes each ledger in seq order, so the unsent
 * rows of its type older than it (which it waits behind) are made due too. {@code attempts} and {@code last_error} stay, for the
 * record. With {@code republish}, an already sent row is made unsent again and published once more: a duplicate
 * for every consumer that had it (absorbed by deduplicating on the event id), and an old event arriving after newer
 * ones; that is what re-publishing means, for a consumer that lost it.
 */
@ApplicationScoped
public class EventRedrive {

    public enum Kind {
        /** No such row (never written, or sent and pruned). */
        NOT_FOUND,
        /** The row is sent and republish was not asked for: nothing changed. */
        ALREADY_SENT,
        /** Dry run: nothing changed; {@code after} is what it would be. */
        WOULD_CHANGE,
        /** An unsent row made due now. */
        REDRIVEN,
        /** A sent row made unsent and due now. */
        REPUBLISHED
    }

    /**
     * @param before     the row as it was (absent when not found)
     * @param after      the row as it is now, or would be for a dry run
     * @param olderMadeDue the older unsent rows of the ledger made due with it (or that would be)
     */
    public record Result(Kind kind, Optional<StuckEvent> before, Optional<StuckEvent> after, int olderMadeDue) {
    }

    private static final String FIND = "SELECT " + StuckEvents.COLUMNS + " FROM outbox WHERE event_id = ?";
    private static final String COUNT_OLDER_WAITING = "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND type = ? AND seq < ? AND next_attempt_at > ?";
    private static final String MAKE_OLDER_DUE = "UPDATE outbox SET next_attempt_at = ? WHERE sent_at IS NULL AND type = ? AND seq < ? AND next_attempt_at > ?";
    private static final String MAKE_DUE = "UPDATE outbox SET sent_at = NULL, next_attempt_at = ? WHERE event_id = ?";

    private final Ledgers ledgers;
    private final OutboxRelay relay;

    EventRedrive(Ledgers ledgers, OutboxRelay relay) {
        this.ledgers = ledgers;
        this.relay = relay;
    }

    /** @throws SQLException the ledger could not be read or written; nothing was changed */
    public Result redrive(LedgerName ledgerName, String eventId, boolean republish, boolean dryRun) throws SQLException {
        Ledger ledger = ledgers.get(ledgerName);
        String name = ledgerName.apiName();
        Instant now = InstantMicros.now();
        Result result = ledger.inLocalTransaction(db -> redrive(db, name, eventId, republish, dryRun, now));
        if (result.kind() == Kind.REDRIVEN || result.kind() == Kind.REPUBLISHED) {
            relay.wake();
        }
        return result;
    }

    private static Result redrive(Connection db, String ledger, String eventId, boolean republish, boolean dryRun, Instant now)
            throws SQLException {
        // Locked: a relay batch holding the row finishes first, so what is read here is what gets changed.
        Optional<StuckEvent> before = find(db, ledger, eventId, !dryRun);
        if (before.isEmpty()) {
            return new Result(Kind.NOT_FOUND, before, before, 0);
        }
        StuckEvent row = before.get();
        boolean sent = row.sentAt() != null;
        if (sent && !republish) {
            return new Result(Kind.ALREADY_SENT, before, before, 0);
        }
        StuckEvent after = new StuckEvent(row.ledger(), row.id(), row.transferId(), row.type(), row.seq(), row.createdAt(), now, null,
                row.attempts(), row.lastError());
        if (dryRun) {
            return new Result(Kind.WOULD_CHANGE, before, Optional.of(after), countOlderWaiting(db, row.type(), row.seq(), now));
        }
        int older;
        try (PreparedStatement s = db.prepareStatement(MAKE_OLDER_DUE)) {
            s.setLong(1, InstantMicros.toMicros(now));
            s.setString(2, row.type());
            s.setLong(3, row.seq());
            s.setLong(4, InstantMicros.toMicros(now));
            older = s.executeUpdate();
        }
        try (PreparedStatement s = db.prepareStatement(MAKE_DUE)) {
            s.setLong(1, InstantMicros.toMicros(now));
            s.setString(2, eventId);
            s.executeUpdate();
        }
        return new Result(sent ? Kind.REPUBLISHED : Kind.REDRIVEN, before, find(db, ledger, eventId, false), older);
    }

    private static Optional<StuckEvent> find(Connection db, String ledger, String eventId, boolean lock) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(lock ? FIND + " FOR UPDATE" : FIND)) {
            s.setString(1, eventId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(StuckEvents.view(ledger, rs)) : Optional.empty();
            }
        }
    }

    private static int countOlderWaiting(Connection db, String type, long seq, Instant now) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(COUNT_OLDER_WAITING)) {
            s.setString(1, type);
            s.setLong(2, seq);
            s.setLong(3, InstantMicros.toMicros(now));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
