package io.crossbank.ops.nodes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;

/**
 * The node_lease table of the PostgreSQL ledger: one row per node name, renewed by its own instance, taken over by the
 * instance that adopts it once it expired. Plain autocommit statements, each deciding on the database's clock.
 */
@ApplicationScoped
public class NodeLeases {

    /** One row. {@code live}: not expired, by the database's clock when it was read. */
    public record Lease(String node, String holder, String tablePrefix, Instant renewedAt, Instant expiresAt, boolean live) {
    }

    private final Ledgers ledgers;

    NodeLeases(Ledgers ledgers) {
        this.ledgers = ledgers;
    }

    /** This instance's lease from now on, whoever held the row before (a restarted node takes its name back). */
    void take(String node, String tablePrefix, Duration lease) throws SQLException {
        update("INSERT INTO node_lease (node_name, holder, table_prefix, renewed_at, expires_at)"
                + " VALUES (?, ?, ?, now(), now() + make_interval(secs => ?))"
                + " ON CONFLICT (node_name) DO UPDATE SET holder = EXCLUDED.holder, table_prefix = EXCLUDED.table_prefix,"
                + " renewed_at = EXCLUDED.renewed_at, expires_at = EXCLUDED.expires_at", node, node, tablePrefix, seconds(lease));
    }

    /** @return false when the row is gone or another instance holds it now */
    boolean renew(String node, String holder, Duration lease) throws SQLException {
        return update("UPDATE node_lease SET renewed_at = now(), expires_at = now() + make_interval(secs => ?)"
                + " WHERE node_name = ? AND holder = ?", seconds(lease), node, holder) == 1;
    }

    /** Takes an expired lease of another node for the adopter, or renews it if the adopter holds it already. */
    boolean claim(String node, String adopter, Duration lease) throws SQLException {
        return update("UPDATE node_lease SET holder = ?, renewed_at = now(), expires_at = now() + make_interval(secs => ?)"
                + " WHERE node_name = ? AND node_name <> ? AND (expires_at < now() OR holder = ?)", adopter, seconds(lease), node,
                adopter, adopter) == 1;
    }

    /** Lets the lease run out now: whatever the node left becomes another instance's to adopt or report. */
    void expire(String node, String holder) throws SQLException {
        update("UPDATE node_lease SET expires_at = now() WHERE node_name = ? AND holder = ?", node, holder);
    }

    /** Deletes the row: its node left nothing, or its adopter finished. */
    void forget(String node, String holder) throws SQLException {
        update("DELETE FROM node_lease WHERE node_name = ? AND holder = ?", node, holder);
    }

    List<Lease> all() throws SQLException {
        List<Lease> leases = new ArrayList<>();
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement("SELECT node_name, holder, table_prefix, renewed_at,"
                + " expires_at, expires_at >= now() FROM node_lease ORDER BY node_name"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                leases.add(new Lease(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                        rs.getTimestamp(5).toInstant(), rs.getBoolean(6)));
            }
        }
        return leases;
    }

    Optional<Lease> of(String node) throws SQLException {
        return all().stream().filter(lease -> lease.node().equals(node)).findFirst();
    }

    private int update(String sql, Object... parameters) throws SQLException {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] == null) {
                    s.setNull(i + 1, Types.VARCHAR);
                } else {
                    s.setObject(i + 1, parameters[i]);
                }
            }
            return s.executeUpdate();
        }
    }

    private Connection connection() throws SQLException {
        return ledgers.get(LedgerName.POSTGRES).dataSource().getConnection();
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
