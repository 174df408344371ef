package io.crossbank.ops.indoubt;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;

/**
 * Lists the prepared branches of each ledger through the application's own datasources. Outside a JTA
 * transaction their connections are plain autocommit connections, which is what both XA RECOVER and
 * COMMIT PREPARED need.
 */
@ApplicationScoped
public class PreparedBranchScanner {

    private final Ledgers ledgers;
    /** MySQL keeps no prepare time, so age is counted from the first scan that saw a branch. */
    private final Map<String, Instant> mysqlFirstSeen = new ConcurrentHashMap<>();

    PreparedBranchScanner(Ledgers ledgers) {
        this.ledgers = ledgers;
    }

    /** Each server has its own way of listing prepared branches. */
    public List<PreparedBranch> scan(LedgerName ledger) throws SQLException {
        return switch (ledger) {
            case POSTGRES -> scanPostgres(ledgers.get(ledger).dataSource());
            case MYSQL -> scanMysql(ledgers.get(ledger).dataSource());
        };
    }

    /*
     * Only this database's branches: COMMIT PREPARED must run in the database that prepared it, and pgjdbc's
     * own recover() filters the same way. The age is computed by the server, so clock skew does not matter.
     */
    private List<PreparedBranch> scanPostgres(DataSource postgres) throws SQLException {
        List<PreparedBranch> branches = new ArrayList<>();
        try (Connection c = postgres.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT gid, owner, EXTRACT(EPOCH FROM clock_timestamp() - prepared) AS age"
                        + " FROM pg_prepared_xacts WHERE database = current_database() ORDER BY prepared")) {
            Instant now = Instant.now();
            while (rs.next()) {
                String gid = rs.getString("gid");
                Instant since = now.minusNanos((long) (rs.getDouble("age") * 1_000_000_000L));
                branches.add(new PreparedBranch(LedgerName.POSTGRES, BranchXid.fromPostgresGid(gid), Optional.of(gid),
                        Optional.ofNullable(rs.getString("owner")), since, PreparedBranch.Since.PREPARED));
            }
        }
        return branches;
    }

    /*
     * XA RECOVER is the portable form (MySQL 8 and MariaDB alike), read by BranchXid.
     * It is server-wide: branches of other databases on the same server are listed too.
     */
    private List<PreparedBranch> scanMysql(DataSource mysql) throws SQLException {
        List<BranchXid> xids = new ArrayList<>();
        try (Connection c = mysql.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                BranchXid.fromXaRecoverRow(rs).ifPresent(xids::add);
            }
        }
        return withFirstSeen(xids);
    }

    private synchronized List<PreparedBranch> withFirstSeen(List<BranchXid> xids) {
        Instant now = Instant.now();
        mysqlFirstSeen.keySet().retainAll(xids.stream().map(BranchXid::id).collect(Collectors.toSet()));
        return xids.stream()
                .map(xid -> new PreparedBranch(LedgerName.MYSQL, Optional.of(xid), Optional.empty(), Optional.empty(),
                        mysqlFirstSeen.computeIfAbsent(xid.id(), id -> now), PreparedBranch.Since.FIRST_SEEN_BY_THIS_INSTANCE))
                .toList();
    }
}
