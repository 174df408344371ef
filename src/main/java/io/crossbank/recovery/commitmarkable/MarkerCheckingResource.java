package io.crossbank.recovery.commitmarkable;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import javax.sql.DataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.jboss.tm.ConnectableResource;
import org.jboss.tm.LastResource;
import org.jboss.tm.XAResourceWrapper;

import io.agroal.narayana.ConnectableLocalXAResource;
import io.crossbank.problems.DatabaseFailures;
import io.quarkus.logging.Log;

/**
 * Agroal's commit-markable resource, with one thing changed: what a failed local commit means. Agroal reports any
 * failure of {@code COMMIT} as "rolled back" ({@code XAER_RMERR}), and Narayana then rolls the other ledger's XA
 * branch back. But a commit whose answer was lost (the connection broke after the server committed) has committed,
 * marker row included: rolling the XA branch back would leave half a transfer. So before the failure is reported,
 * the marker row is read on a fresh connection: there, the commit happened and the transfer goes on to commit the
 * XA branch; absent, it did not, and the rollback is right. While the database cannot be asked (it is restarting),
 * it is asked again for up to {@link #MAX_WAIT}; after that the failure is reported as Agroal would, and logged as
 * an error naming the Xid, whose marker row an operator can look up.
 */
final class MarkerCheckingResource implements XAResource, XAResourceWrapper, ConnectableResource, LastResource {

    static final Duration MAX_WAIT = Duration.ofSeconds(10);
    private static final Duration RETRY = Duration.ofMillis(250);

    private final ConnectableLocalXAResource delegate;
    private final Supplier<DataSource> database;

    MarkerCheckingResource(ConnectableLocalXAResource delegate, Supplier<DataSource> database) {
        this.delegate = delegate;
        this.database = database;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        try {
            delegate.commit(xid, onePhase);
        } catch (XAException failure) {
            // One phase: no marker row was written (nothing else is in the transaction), and the failure stands.
            if (onePhase) {
                throw failure;
            }
            Optional<Boolean> marked = markerRow(xid);
            if (marked.orElse(false)) {
                Log.warnf("The local commit of %s reported a failure (%s), but its marker row exists: it committed; the transaction"
                        + " commits the other ledger too", delegate.getJndiName(), failure.getMessage());
                return;
            }
            if (marked.isEmpty()) {
                Log.errorf("The local commit of %s failed (%s) and its marker row could not be read within %s: reported as rolled"
                        + " back, as Agroal does; if row xid = 0x%s exists in table xids of that ledger, it committed", delegate.getJndiName(),
                        failure.getMessage(), MAX_WAIT, MarkerRows.bytes(xid).map(MarkerCheckingResource::hex).orElse("?"));
            }
            throw failure;
        }
    }

    /** Whether the marker row of this Xid exists; empty when the database cannot be asked within {@link #MAX_WAIT}. */
    private Optional<Boolean> markerRow(Xid xid) {
        if (MarkerRows.bytes(xid).isEmpty()) {
            return Optional.empty();
        }
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        while (true) {
            try {
                return Optional.of(MarkerRows.exists(database.get(), xid));
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    return Optional.empty();
                }
                Log.debugf("Reading the marker row of %s: %s", delegate.getJndiName(), DatabaseFailures.summary(e));
                try {
                    Thread.sleep(RETRY.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x", b));
        }
        return s.toString();
    }

    @Override
    public Object getConnection() throws Throwable {
        return delegate.getConnection();
    }

    @Override
    public XAResource getResource() {
        return delegate;
    }

    @Override
    public String getProductName() {
        return delegate.getProductName();
    }

    @Override
    public String getProductVersion() {
        return delegate.getProductVersion();
    }

    @Override
    public String getJndiName() {
        return delegate.getJndiName();
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        delegate.start(xid, flags);
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        delegate.end(xid, flags);
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        return delegate.prepare(xid);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        delegate.rollback(xid);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        delegate.forget(xid);
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return delegate.recover(flag);
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() throws XAException {
        return delegate.getTransactionTimeout();
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return delegate.setTransactionTimeout(seconds);
    }
}
