package io.crossbank.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.crossbank.support.Sql;

/** The outbox rows of a ledger, read straight from its database. */
final class Outbox {

    record Row(String eventId, String aggregateId, String type, String payload, Long sentAt, int attempts, String lastError) {
    }

    private Outbox() {
    }

    /** The rows about this transfer in the ledger holding {@code accountId}. */
    static List<Row> ofTransfer(String accountId, String transferId) {
        return query(accountId, "SELECT event_id, aggregate_id, type, payload, sent_at, attempts, last_error FROM outbox WHERE aggregate_id = ?",
                transferId);
    }

    /** The rows whose payload names this account, in the ledger holding it. */
    static List<Row> mentioning(String accountId) {
        return query(accountId, "SELECT event_id, aggregate_id, type, payload, sent_at, attempts, last_error FROM outbox WHERE payload LIKE ?",
                "%" + accountId + "%");
    }

    private static List<Row> query(String accountId, String sql, String parameter) {
        try (Connection db = Sql.ledgerOf(accountId, Sql.DATABASE); PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setString(1, parameter);
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    long sentAtMicros = rs.getLong(5);
                    Long sentAt = rs.wasNull() ? null : sentAtMicros;
                    rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), sentAt,
                            rs.getInt(6), rs.getString(7)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static Row single(String accountId, String transferId) {
        List<Row> rows = ofTransfer(accountId, transferId);
        if (rows.size() != 1) {
            throw new AssertionError("The ledger of " + accountId + " holds " + rows.size() + " outbox rows for transfer " + transferId
                    + ", not exactly one.");
        }
        return rows.get(0);
    }
}
