package io.crossbank.recovery;

import java.sql.SQLException;

import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAResource;

import com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper;

import io.crossbank.problems.DatabaseFailures;
import io.quarkus.logging.Log;

/**
 * Gives each recovery pass a named XA resource of one ledger (see {@link LedgerXaResourceNames}), on a
 * connection of its own opened for that pass. When the database is down there is no resource, so the
 * ledger counts as not reached and nothing is assumed about its branches.
 */
final class LedgerRecoveryHelper implements XAResourceRecoveryHelper {

    private final String name;
    private final XADataSource dataSource;
    private XAConnection connection;
    private boolean reached = true;

    LedgerRecoveryHelper(String name, XADataSource dataSource) {
        this.name = name;
        this.dataSource = dataSource;
    }

    @Override
    public boolean initialise(String parameter) {
        return true;
    }

    /** Called at the start of every pass; the resource stays open for that pass's second phase. */
    @Override
    public synchronized XAResource[] getXAResources() {
        close();
        try {
            connection = dataSource.getXAConnection();
            XAResource resource = connection.getXAResource();
            if (!reached) {
                Log.infof("Recovery reaches %s again", name);
                reached = true;
            }
            return new XAResource[] { new NamedRecoveryResource(name, resource) };
        } catch (SQLException e) {
            // Once per outage, not once per pass: every pass (seconds apart) fails the same way until it is back.
            if (reached) {
                Log.warnf("Recovery cannot reach %s (%s); its in-doubt branches, if any, wait until it can", name,
                        DatabaseFailures.summary(e));
                reached = false;
            } else {
                Log.debugf("Recovery cannot reach %s this pass: %s", name, e.getMessage());
            }
            close();
            return new XAResource[0];
        }
    }

    synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                Log.debugf("Closing the recovery connection of %s: %s", name, e.getMessage());
            }
            connection = null;
        }
    }
}
