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

    private static final String SELECT = "SELECT event_id, aggregate_id, type, payload, sent_at, attempts, last_error FROM outbox";

    private Outbox() {
    }

    /** The rows about this transfer in the ledger holding {@code accountId}. */
    static List<Row> ofTransfer(String accountId, String transferId) {
        return query(accountId, SELECT + " WHERE aggregate_id = ?", transferId);
    }

    /** The rows whose payload names this account, in the ledger holding it. */
    static List<Row> mentioning(String accountId) {
        return query(accountId, SELECT + " WHERE payload LIKE ?", "%" + accountId + "%");
    }

    /** The rows whose payload names this account, in both ledgers of this database. */
    static List<Row> mentioningIn(String database, String accountId) {
        return inBothLedgers(database, SELECT + " WHERE payload LIKE ?", "%" + accountId + "%");
    }

    /** Every row of both ledgers of this database. */
    static List<Row> allIn(String database) {
        return inBothLedgers(database, SELECT);
    }

    /** The rows the broker has not confirmed yet, in both ledgers of this database. */
    static List<Row> unsentIn(String database) {
        return inBothLedgers(database, SELECT + " WHERE sent_at IS NULL");
    }

    private static List<Row> inBothLedgers(String database, String sql, String... parameters) {
        List<Row> rows = new ArrayList<>();
        for (String accountPrefix : List.of("pg-", "my-")) { // Sql.ledgerOf picks a ledger by an account id's prefix
            rows.addAll(query(accountPrefix, database, sql, parameters));
        }
        return rows;
    }

    private static List<Row> query(String accountId, String sql, String parameter) {
        return query(accountId, Sql.DATABASE, sql, parameter);
    }

    private static List<Row> query(String accountId, String database, String sql, String... parameters) {
        try (Connection db = Sql.ledgerOf(accountId, database); PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
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
        return single(Sql.DATABASE, accountId, transferId);
    }

    /** The one row of this transfer in the ledger holding {@code accountId}, in this database. */
    static Row single(String database, String accountId, String transferId) {
        List<Row> rows = query(accountId, database, SELECT + " WHERE aggregate_id = ?", transferId);
        if (rows.size() != 1) {
            throw new AssertionError("The ledger of " + accountId + " holds " + rows.size() + " outbox rows for transfer " + transferId
                    + ", not exactly one.");
        }
        return rows.get(0);
    }
}
