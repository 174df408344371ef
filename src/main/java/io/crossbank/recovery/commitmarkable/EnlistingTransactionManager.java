package io.crossbank.recovery.commitmarkable;

import java.util.function.Supplier;

import javax.sql.DataSource;
import javax.transaction.xa.XAResource;

import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.InvalidTransactionException;
import jakarta.transaction.NotSupportedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;

import io.agroal.narayana.ConnectableLocalXAResource;

/**
 * The transaction manager as the commit-markable pool's Agroal integration sees it: Narayana's, except that the
 * connectable resource Agroal enlists is wrapped in a {@link MarkerCheckingResource} on its way in. Agroal builds
 * that resource itself and offers no other hook; it only uses {@code getTransaction()} (status and enlistment).
 */
final class EnlistingTransactionManager implements TransactionManager {

    private final TransactionManager narayana;
    private final Supplier<DataSource> database;

    EnlistingTransactionManager(TransactionManager narayana, Supplier<DataSource> database) {
        this.narayana = narayana;
        this.database = database;
    }

    @Override
    public Transaction getTransaction() throws SystemException {
        Transaction transaction = narayana.getTransaction();
        return transaction == null ? null : new Enlisting(transaction);
    }

    @Override
    public void begin() throws NotSupportedException, SystemException {
        narayana.begin();
    }

    @Override
    public void commit() throws RollbackException, HeuristicMixedException, HeuristicRollbackException, SecurityException,
            IllegalStateException, SystemException {
        narayana.commit();
    }

    @Override
    public int getStatus() throws SystemException {
        return narayana.getStatus();
    }

    @Override
    public void resume(Transaction transaction) throws InvalidTransactionException, IllegalStateException, SystemException {
        narayana.resume(transaction instanceof Enlisting enlisting ? enlisting.transaction : transaction);
    }

    @Override
    public void rollback() throws IllegalStateException, SecurityException, SystemException {
        narayana.rollback();
    }

    @Override
    public void setRollbackOnly() throws IllegalStateException, SystemException {
        narayana.setRollbackOnly();
    }

    @Override
    public void setTransactionTimeout(int seconds) throws SystemException {
        narayana.setTransactionTimeout(seconds);
    }

    @Override
    public Transaction suspend() throws SystemException {
        return narayana.suspend();
    }

    private final class Enlisting implements Transaction {

        private final Transaction transaction;

        Enlisting(Transaction transaction) {
            this.transaction = transaction;
        }

        @Override
        public boolean enlistResource(XAResource resource) throws RollbackException, IllegalStateException, SystemException {
            XAResource enlisted = resource instanceof ConnectableLocalXAResource connectable
                    ? new MarkerCheckingResource(connectable, database)
                    : resource;
            return transaction.enlistResource(enlisted);
        }

        @Override
        public boolean delistResource(XAResource resource, int flag) throws IllegalStateException, SystemException {
            return transaction.delistResource(resource, flag);
        }

        @Override
        public void commit() throws RollbackException, HeuristicMixedException, HeuristicRollbackException, SecurityException,
                IllegalStateException, SystemException {
            transaction.commit();
        }

        @Override
        public int getStatus() throws SystemException {
            return transaction.getStatus();
        }

        @Override
        public void registerSynchronization(Synchronization sync) throws RollbackException, IllegalStateException, SystemException {
            transaction.registerSynchronization(sync);
        }

        @Override
        public void rollback() throws IllegalStateException, SystemException {
            transaction.rollback();
        }

        @Override
        public void setRollbackOnly() throws IllegalStateException, SystemException {
            transaction.setRollbackOnly();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Enlisting enlisting ? transaction.equals(enlisting.transaction) : transaction.equals(other);
        }

        @Override
        public int hashCode() {
            return transaction.hashCode();
        }
    }
}
