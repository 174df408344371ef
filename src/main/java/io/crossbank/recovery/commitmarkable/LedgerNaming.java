package io.crossbank.recovery.commitmarkable;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.naming.Binding;
import javax.naming.Context;
import javax.naming.Name;
import javax.naming.NameClassPair;
import javax.naming.NameNotFoundException;
import javax.naming.NameParser;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.OperationNotSupportedException;
import javax.naming.spi.InitialContextFactory;
import javax.naming.spi.InitialContextFactoryBuilder;
import javax.naming.spi.NamingManager;

import io.crossbank.ledger.LedgerName;
import io.crossbank.problems.DatabaseFailures;
import io.quarkus.logging.Log;

/**
 * The one thing JNDI has to do here: Narayana's commit-markable recovery module finds each ledger's database with
 * {@code new InitialContext().lookup(name)}, and Quarkus has no JNDI. This builder answers every
 * {@code InitialContext} in the JVM with a read-only context that knows the ledgers' commit-markable names and
 * nothing else. Installed as the JVM's initial-context-factory builder, it also keeps what Quarkus's disabled JNDI
 * (turned off by {@code quarkus.naming.enable-jndi=true} so that this one can be installed) was there for: with a
 * builder in place, {@code InitialContext} never consults URL context factories, so {@code ldap:} or {@code rmi:}
 * names resolve to nothing.
 * <p>
 * A JVM takes one builder, for good. In the packaged app that is one application; a test JVM that restarts Quarkus
 * keeps the first instance's builder and bindings (removed on shutdown), so a later instance's lookups fail and its
 * commit-markable recovery stays idle: the packaged-app tests are where it is proved.
 */
public final class LedgerNaming implements InitialContextFactoryBuilder {

    private static final Map<String, ConnectionOpener> BOUND = new ConcurrentHashMap<>();

    /** Opens a new physical connection to one ledger's database. */
    @FunctionalInterface
    public interface ConnectionOpener {
        Connection open() throws SQLException;
    }
    private static final Context CONTEXT = new ReadOnlyContext();

    private LedgerNaming() {
    }

    public static synchronized void install() {
        if (NamingManager.hasInitialContextFactoryBuilder()) {
            Log.debug("An initial context factory builder is already installed in this JVM; keeping it");
            return;
        }
        try {
            NamingManager.setInitialContextFactoryBuilder(new LedgerNaming());
        } catch (NamingException | IllegalStateException e) {
            throw new IllegalStateException("Cannot install the naming context the commit-markable recovery module needs", e);
        }
    }

    /**
     * Binds a ledger's commit-markable name to fresh connections of its own (like the ledger's XA recovery resource),
     * not to the application's pool: a pooled connection may be one the database already dropped.
     */
    public static void bind(LedgerName ledger, ConnectionOpener opener) {
        BOUND.put(CommitMarkableNames.of(ledger), opener);
    }

    public static void unbind(LedgerName ledger) {
        BOUND.remove(CommitMarkableNames.of(ledger));
    }

    @Override
    public InitialContextFactory createInitialContextFactory(Hashtable<?, ?> environment) {
        return env -> CONTEXT;
    }

    private static final class ReadOnlyContext implements Context {

        /*
         * The connection is opened here, at the lookup, which the module makes right before it asks for a connection:
         * a database that cannot be reached makes the name unresolvable for this pass, which Narayana logs at debug
         * level and skips, instead of a connection failure that it logs with its stack trace at every pass of an outage
         * (the ledger's XA recovery resource already warns once per outage).
         */
        @Override
        public Object lookup(String name) throws NamingException {
            ConnectionOpener opener = BOUND.get(name);
            if (opener == null) {
                throw new NameNotFoundException(name + " is not bound (only the ledgers' commit-markable names are)");
            }
            try {
                return new OpenedDataSource(opener.open(), opener);
            } catch (SQLException e) {
                throw new NameNotFoundException(name + ": its database cannot be reached now (" + DatabaseFailures.summary(e) + ")");
            }
        }

        @Override
        public Object lookup(Name name) throws NamingException {
            return lookup(name.toString());
        }

        private static NamingException readOnly() {
            return new OperationNotSupportedException("read-only: only lookups of the ledgers' commit-markable names");
        }

        @Override
        public void bind(Name name, Object obj) throws NamingException {
            throw readOnly();
        }

        @Override
        public void bind(String name, Object obj) throws NamingException {
            throw readOnly();
        }

        @Override
        public void rebind(Name name, Object obj) throws NamingException {
            throw readOnly();
        }

        @Override
        public void rebind(String name, Object obj) throws NamingException {
            throw readOnly();
        }

        @Override
        public void unbind(Name name) throws NamingException {
            throw readOnly();
        }

        @Override
        public void unbind(String name) throws NamingException {
            throw readOnly();
        }

        @Override
        public void rename(Name oldName, Name newName) throws NamingException {
            throw readOnly();
        }

        @Override
        public void rename(String oldName, String newName) throws NamingException {
            throw readOnly();
        }

        @Override
        public NamingEnumeration<NameClassPair> list(Name name) throws NamingException {
            throw readOnly();
        }

        @Override
        public NamingEnumeration<NameClassPair> list(String name) throws NamingException {
            throw readOnly();
        }

        @Override
        public NamingEnumeration<Binding> listBindings(Name name) throws NamingException {
            throw readOnly();
        }

        @Override
        public NamingEnumeration<Binding> listBindings(String name) throws NamingException {
            throw readOnly();
        }

        @Override
        public void destroySubcontext(Name name) throws NamingException {
            throw readOnly();
        }

        @Override
        public void destroySubcontext(String name) throws NamingException {
            throw readOnly();
        }

        @Override
        public Context createSubcontext(Name name) throws NamingException {
            throw readOnly();
        }

        @Override
        public Context createSubcontext(String name) throws NamingException {
            throw readOnly();
        }

        @Override
        public Object lookupLink(Name name) throws NamingException {
            return lookup(name);
        }

        @Override
        public Object lookupLink(String name) throws NamingException {
            return lookup(name);
        }

        @Override
        public NameParser getNameParser(Name name) throws NamingException {
            throw readOnly();
        }

        @Override
        public NameParser getNameParser(String name) throws NamingException {
            throw readOnly();
        }

        @Override
        public Name composeName(Name name, Name prefix) throws NamingException {
            throw readOnly();
        }

        @Override
        public String composeName(String name, String prefix) throws NamingException {
            throw readOnly();
        }

        @Override
        public Object addToEnvironment(String propName, Object propVal) {
            return null;
        }

        @Override
        public Object removeFromEnvironment(String propName) {
            return null;
        }

        @Override
        public Hashtable<?, ?> getEnvironment() {
            return new Hashtable<>();
        }

        @Override
        public void close() {
            // shared by every InitialContext: nothing to release
        }

        @Override
        public String getNameInNamespace() {
            return "";
        }
    }
}
