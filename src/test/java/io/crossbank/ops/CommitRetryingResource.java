package io.crossbank.ops;

import java.io.Serializable;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import com.arjuna.ats.arjuna.common.Uid;
import com.arjuna.ats.jta.xa.XidImple;

/**
 * A participant whose commit answers XA_RETRY while {@link #failing} is set: Narayana then keeps the
 * transaction's log record (decision: commit) for recovery to replay, exactly what a crash between the log
 * write and the commits leaves. Serializable, so recovery restores it from the log without looking for it.
 */
class CommitRetryingResource implements XAResource, Serializable {

    static volatile boolean failing = true;
    static volatile Uid lastTransaction;

    @Override
    public void start(Xid xid, int flags) {
        lastTransaction = new XidImple(xid).getTransactionUid();
    }

    @Override
    public void end(Xid xid, int flags) {
    }

    @Override
    public int prepare(Xid xid) {
        return XA_OK;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        if (failing) {
            throw new XAException(XAException.XA_RETRY);
        }
    }

    @Override
    public void rollback(Xid xid) {
    }

    @Override
    public void forget(Xid xid) {
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return false;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }
}
