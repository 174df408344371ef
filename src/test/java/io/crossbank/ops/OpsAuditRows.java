package io.crossbank.ops;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.crossbank.support.Sql;

/** The ops_audit rows of one branch in its ledger, read with SQL: "principal action dryRun outcome classification". */
final class OpsAuditRows {

    private OpsAuditRows() {
    }

    static List<String> of(String ledger, String branchId) {
        return of(ledger, branchId, Sql.DATABASE);
    }

    static List<String> of(String ledger, String branchId, String database) {
        List<String> rows = new ArrayList<>();
        try (Connection c = ledger.equals("postgres") ? Sql.postgres(database) : Sql.mysql(database);
                PreparedStatement s = c.prepareStatement("SELECT principal, action, dry_run, outcome, classification, node"
                        + " FROM ops_audit WHERE branch_id = ? ORDER BY id")) {
            s.setString(1, branchId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getString(2) + " dryRun=" + rs.getBoolean(3) + " " + rs.getString(4) + " "
                            + rs.getString(5) + " node=" + rs.getString(6));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }
}
