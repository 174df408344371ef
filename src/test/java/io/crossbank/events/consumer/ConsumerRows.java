package io.crossbank.events.consumer;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import io.crossbank.support.Sql;

/** What the reference consumer stored (schema "consumer" of the test database), and the ledgers' journal to compare it with. */
final class ConsumerRows {

    /** Debits and credits of one account: as the consumer's activity row holds them, or as its ledger's journal does. */
    record Activity(long debits, BigDecimal debitsTotal, long credits, BigDecimal creditsTotal) {

        static final Activity NONE = new Activity(0, new BigDecimal("0.00"), 0, new BigDecimal("0.00"));
    }

    private ConsumerRows() {
    }

    /** The event ids in the inbox for this transfer. */
    static List<String> inboxEventIds(String transferId) {
        return strings("SELECT event_id FROM consumer.inbox WHERE transfer_id = ?", transferId);
    }

    static boolean inboxHolds(String eventId) {
        return !strings("SELECT event_id FROM consumer.inbox WHERE event_id = ?", eventId).isEmpty();
    }

    static Activity activity(String accountId) {
        try (Connection db = Sql.postgres(Sql.DATABASE); PreparedStatement query = db.prepareStatement(
                "SELECT debits_count, debits_total, credits_count, credits_total FROM consumer.account_activity WHERE account_id = ?")) {
            query.setString(1, accountId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? new Activity(rs.getLong(1), rs.getBigDecimal(2), rs.getLong(3), rs.getBigDecimal(4)) : Activity.NONE;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The account's debits and credits as its own ledger's journal records them. */
    static Activity journal(String accountId) {
        String sql = "SELECT"
                + " SUM(CASE WHEN direction = 'DEBIT' THEN 1 ELSE 0 END), COALESCE(SUM(CASE WHEN direction = 'DEBIT' THEN amount END), 0),"
                + " SUM(CASE WHEN direction = 'CREDIT' THEN 1 ELSE 0 END), COALESCE(SUM(CASE WHEN direction = 'CREDIT' THEN amount END), 0)"
                + " FROM journal_entry WHERE account_id = ?";
        try (Connection db = Sql.ledgerOf(accountId, Sql.DATABASE); PreparedStatement query = db.prepareStatement(sql)) {
            query.setString(1, accountId);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return new Activity(rs.getLong(1), rs.getBigDecimal(2).setScale(2), rs.getLong(3), rs.getBigDecimal(4).setScale(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The outbox row of a transfer in the ledger of its debited account: event id and payload, as the relay publishes them. */
    static String[] outboxEvent(String debitedAccount, String transferId) {
        try (Connection db = Sql.ledgerOf(debitedAccount, Sql.DATABASE); PreparedStatement query = db.prepareStatement(
                "SELECT event_id, payload FROM outbox WHERE aggregate_id = ?")) {
            query.setString(1, transferId);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError("No outbox row for transfer " + transferId);
                }
                return new String[] { rs.getString(1), rs.getString(2) };
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> strings(String sql, String parameter) {
        return Sql.column(() -> Sql.postgres(Sql.DATABASE), sql, parameter);
    }
}
