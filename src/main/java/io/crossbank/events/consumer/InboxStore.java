package io.crossbank.events.consumer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Comparator;

import javax.sql.DataSource;

import io.crossbank.ledger.InstantMicros;

/**
 * The consumer's store: the inbox and the effect (each account's activity), written in ONE local transaction on the
 * non-XA "consumer" datasource. The inbox insert comes first: an event id already there is a redelivery, and the
 * transaction is rolled back without touching the effect.
 */
final class InboxStore {

    enum Outcome { APPLIED, DUPLICATE }

    private static final String INBOX = "INSERT INTO inbox (event_id, transfer_id, type, received_at) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (event_id) DO NOTHING";
    private static final String ACTIVITY = "INSERT INTO account_activity"
            + " (account_id, ledger, currency, debits_count, debits_total, credits_count, credits_total, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET"
            + " debits_count = account_activity.debits_count + EXCLUDED.debits_count,"
            + " debits_total = account_activity.debits_total + EXCLUDED.debits_total,"
            + " credits_count = account_activity.credits_count + EXCLUDED.credits_count,"
            + " credits_total = account_activity.credits_total + EXCLUDED.credits_total,"
            + " updated_at = EXCLUDED.updated_at";

    private final DataSource dataSource;

    InboxStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Applies the event once; throws when the database could not take it (the caller returns the message). */
    Outcome apply(TransferEvent event) throws SQLException {
        long now = InstantMicros.toMicros(java.time.Instant.now());
        try (Connection db = dataSource.getConnection()) {
            db.setAutoCommit(false);
            try {
                if (!recordInInbox(db, event, now)) {
                    db.rollback();
                    return Outcome.DUPLICATE;
                }
                // In account order: two instances applying opposite transfers lock the same rows in the same order.
                for (TransferEvent.Entry entry : event.entries().stream().sorted(Comparator.comparing(TransferEvent.Entry::account)).toList()) {
                    addActivity(db, event, entry, now);
                }
                db.commit();
                return Outcome.APPLIED;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(db, e);
                throw e;
            }
        }
    }

    private static boolean recordInInbox(Connection db, TransferEvent event, long now) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement(INBOX)) {
            insert.setString(1, event.eventId());
            insert.setString(2, event.transferId());
            insert.setString(3, event.type());
            insert.setLong(4, now);
            return insert.executeUpdate() == 1;
        }
    }

    private static void addActivity(Connection db, TransferEvent event, TransferEvent.Entry entry, long now) throws SQLException {
        try (PreparedStatement upsert = db.prepareStatement(ACTIVITY)) {
            upsert.setString(1, entry.account());
            upsert.setString(2, entry.ledger());
            upsert.setString(3, event.currency());
            upsert.setLong(4, entry.debit() ? 1 : 0);
            upsert.setBigDecimal(5, entry.debit() ? event.amount() : java.math.BigDecimal.ZERO);
            upsert.setLong(6, entry.debit() ? 0 : 1);
            upsert.setBigDecimal(7, entry.debit() ? java.math.BigDecimal.ZERO : event.amount());
            upsert.setLong(8, now);
            upsert.executeUpdate();
        }
    }

    private static void rollbackQuietly(Connection db, Exception cause) {
        try {
            db.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
