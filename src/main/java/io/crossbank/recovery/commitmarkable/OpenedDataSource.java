package io.crossbank.recovery.commitmarkable;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * What a commit-markable name resolves to: its first connection was opened by the lookup (so an unreachable database
 * fails the lookup, not the module's query), every later one is opened afresh. Narayana's recovery module asks for
 * its connection right after each lookup and closes it when done.
 */
final class OpenedDataSource implements DataSource {

    private Connection opened;
    private final LedgerNaming.ConnectionOpener opener;

    OpenedDataSource(Connection opened, LedgerNaming.ConnectionOpener opener) {
        this.opened = opened;
        this.opener = opener;
    }

    @Override
    public synchronized Connection getConnection() throws SQLException {
        Connection first = opened;
        opened = null;
        return first != null ? first : opener.open();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the ledger's own login only");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // no log writer: the app's logging is used
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // the driver's connect timeout applies
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
