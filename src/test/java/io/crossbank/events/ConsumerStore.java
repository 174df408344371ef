package io.crossbank.events;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.crossbank.support.Sql;

/**
 * What the reference consumer (io.crossbank.events.consumer) stored in an IT's database: its inbox and its effect,
 * schema "consumer" of the PostgreSQL ledger's database (AppProcess points the consumer's datasource there).
 */
final class ConsumerStore {

    /** An account's debits and credits: as the consumer's effect holds them, or as its ledger's journal does. */
    record Activity(long debits, BigDecimal debitsTotal, long credits, BigDecimal creditsTotal) {
    }

    private ConsumerStore() {
    }

    /** Transfer id to the event ids the inbox holds for it: exactly one each when every event was applied once. */
    static Map<String, List<String>> inbox(String database) {
        Map<String, List<String>> inbox = new HashMap<>();
        try (Connection db = Sql.postgres(database); Statement query = db.createStatement();
                ResultSet rs = query.executeQuery("SELECT transfer_id, event_id FROM consumer.inbox")) {
            while (rs.next()) {
                inbox.computeIfAbsent(rs.getString(1), t -> new ArrayList<>()).add(rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return inbox;
    }

    /** The consumer's effect for this account; empty when no event about it was applied. */
    static Optional<Activity> activity(String database, String accountId) {
        try (Connection db = Sql.postgres(database); PreparedStatement query = db.prepareStatement(
                "SELECT debits_count, debits_total, credits_count, credits_total FROM consumer.account_activity WHERE account_id = ?")) {
            query.setString(1, accountId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? Optional.of(new Activity(rs.getLong(1), rs.getBigDecimal(2), rs.getLong(3), rs.getBigDecimal(4)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The account's debits and credits as its own ledger's journal records them. */
    static Activity journal(String database, String accountId) {
        String sql = "SELECT"
                + " SUM(CASE WHEN direction = 'DEBIT' THEN 1 ELSE 0 END), COALESCE(SUM(CASE WHEN direction = 'DEBIT' THEN amount END), 0),"
                + " SUM(CASE WHEN direction = 'CREDIT' THEN 1 ELSE 0 END), COALESCE(SUM(CASE WHEN direction = 'CREDIT' THEN amount END), 0)"
                + " FROM journal_entry WHERE account_id = ?";
        try (Connection db = Sql.ledgerOf(accountId, database); PreparedStatement query = db.prepareStatement(sql)) {
            query.setString(1, accountId);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return new Activity(rs.getLong(1), rs.getBigDecimal(2).setScale(2), rs.getLong(3), rs.getBigDecimal(4).setScale(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
