package io.crossbank.ledger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.persistence.EntityManager;

import org.hibernate.Session;

import io.agroal.api.AgroalDataSource;

/**
 * Data access to one ledger's database. Holds the persistence unit's (transaction-scoped) EntityManager,
 * so whatever it does inside a JTA transaction enlists that database's XA branch.
 */
public class Ledger {

    private final LedgerName name;
    private final EntityManager em;
    private final AgroalDataSource dataSource;

    Ledger(LedgerName name, EntityManager em, AgroalDataSource dataSource) {
        this.name = name;
        this.em = em;
        this.dataSource = dataSource;
    }

    public LedgerName name() {
        return name;
    }

    /**
     * The ledger's XA datasource for plain JDBC: inside a JTA transaction a connection enlists the ledger's branch,
     * outside one it is an ordinary autocommit connection (what XA RECOVER, COMMIT PREPARED and the preflight need).
     */
    public AgroalDataSource dataSource() {
        return dataSource;
    }

    /**
     * Joins the current JTA transaction without a statement: takes this ledger's connection, which enlists its branch
     * (XA START, or the commit-markable resource's begin). A transfer does it for both ledgers before its first lock,
     * so that no row stays locked while the other pool and branch are being reached.
     */
    public void join() {
        em.unwrap(Session.class).doWork(connection -> {
        });
    }

    /*
     * Queries rather than em.find(): when a JDBC error has marked the JTA transaction rollback-only, Hibernate's
     * find() logs it and returns null (HHH-12472), which would read as "no such account" instead of a failure.
     */
    public Optional<Account> findAccount(String id) {
        return em.createQuery("from Account a where a.id = :id", Account.class)
                .setParameter("id", id)
                .getResultStream()
                .findFirst();
    }

    /**
     * The account's currency, read without loading the entity: the transfer path needs nothing else, and an
     * entity it does not load is one Hibernate need not snapshot and dirty-check at commit.
     */
    public Optional<String> currencyOf(String accountId) {
        return em.createQuery("select a.currency from Account a where a.id = :id", String.class)
                .setParameter("id", accountId)
                .getResultList()
                .stream()
                .findFirst();
    }

    /** What a transfer needs to know of an account before it moves money: its currency and whether it is frozen. */
    public record AccountState(String currency, boolean frozen) {
    }

    public Optional<AccountState> accountState(String accountId) {
        return em.createQuery("select a.currency, a.frozenAt from Account a where a.id = :id", Object[].class)
                .setParameter("id", accountId)
                .getResultList()
                .stream()
                .findFirst()
                .map(row -> new AccountState((String) row[0], row[1] != null));
    }

    /*
     * Flushed at once, so that a failure (the database unreachable, a constraint) is this call's exception rather
     * than one raised during commit, which Narayana logs with its stack and rethrows as a bare rollback.
     */
    public void addAccount(Account account) {
        em.persist(account);
        em.flush();
    }

    public List<Account> accounts(int offset, int limit) {
        return em.createQuery("from Account a order by a.id", Account.class)
                .setFirstResult(offset)
                .setMaxResults(limit)
                .getResultList();
    }

    public long countAccounts() {
        return em.createQuery("select count(a) from Account a", Long.class).getSingleResult();
    }

    /**
     * Takes {@code amount} from the account if, and only if, it holds at least that much, in {@code currency}, and is not
     * frozen: one conditional UPDATE, so two concurrent debits cannot both pass a check made on a stale read.
     *
     * @return false when the account does not hold enough, holds another currency, is frozen (or does not exist)
     */
    public boolean debit(String accountId, BigDecimal amount, String currency) {
        return em.createQuery("update Account a set a.balance = a.balance - :amount"
                + " where a.id = :id and a.balance >= :amount and a.frozenAt is null and a.currency = :currency")
                .setParameter("amount", amount)
                .setParameter("id", accountId)
                .setParameter("currency", currency)
                .executeUpdate() == 1;
    }

    /** @return false when the account holds another currency, is frozen (or does not exist) */
    public boolean credit(String accountId, BigDecimal amount, String currency) {
        return em.createQuery("update Account a set a.balance = a.balance + :amount"
                + " where a.id = :id and a.frozenAt is null and a.currency = :currency")
                .setParameter("amount", amount)
                .setParameter("id", accountId)
                .setParameter("currency", currency)
                .executeUpdate() == 1;
    }

    /**
     * A saga's step 1: moves {@code amount} from the available balance into {@code held}, under the same condition as
     * {@link #debit}.
     */
    public boolean hold(String accountId, BigDecimal amount) {
        return em.createQuery("update Account a set a.balance = a.balance - :amount, a.held = a.held + :amount"
                + " where a.id = :id and a.balance >= :amount and a.frozenAt is null")
                .setParameter("amount", amount)
                .setParameter("id", accountId)
                .executeUpdate() == 1;
    }

    /** A settled saga: the held money has gone to the credited account. */
    public boolean releaseHeld(String accountId, BigDecimal amount) {
        return em.createQuery("update Account a set a.held = a.held - :amount where a.id = :id")
                .setParameter("amount", amount)
                .setParameter("id", accountId)
                .executeUpdate() == 1;
    }

    /** A compensated saga: the held money is available again, frozen account or not. */
    public boolean refundHeld(String accountId, BigDecimal amount) {
        return em.createQuery("update Account a set a.held = a.held - :amount, a.balance = a.balance + :amount where a.id = :id")
                .setParameter("amount", amount)
                .setParameter("id", accountId)
                .executeUpdate() == 1;
    }

    /** Freezes (at a time) or unfreezes (null) an account; true if it was in the other state. */
    public boolean setFrozen(String accountId, Instant frozenAt) {
        String condition = frozenAt == null ? "a.frozenAt is not null" : "a.frozenAt is null";
        return em.createQuery("update Account a set a.frozenAt = :at where a.id = :id and " + condition)
                .setParameter("at", frozenAt)
                .setParameter("id", accountId)
                .executeUpdate() == 1;
    }

    public Optional<SagaCredit> findSagaCredit(String transferId) {
        return em.createQuery("from SagaCredit c where c.transferId = :id", SagaCredit.class)
                .setParameter("id", transferId)
                .getResultStream()
                .findFirst();
    }

    /**
     * Inserts a saga's deciding row and flushes at once: a concurrent attempt to decide the same saga waits on the
     * primary key here, then fails with a unique violation once the first one commits.
     */
    public void decideSaga(SagaCredit decision) {
        em.persist(decision);
        em.flush();
    }

    /**
     * Ends a pending saga as COMMITTED or COMPENSATED, once: false when it is not PENDING any more (an earlier run of
     * this step committed).
     */
    public boolean settleSaga(String transferId, TransferRecord.Status status, String reason, Instant now) {
        return em.createQuery("update TransferRecord t set t.status = :status, t.reason = :reason, t.sagaStep = :done,"
                + " t.settledAt = :now, t.updatedAt = :now, t.nextAttemptAt = null, t.leaseOwner = null, t.leaseUntil = null"
                + " where t.id = :id and t.status = :pending")
                .setParameter("status", status)
                .setParameter("reason", reason)
                .setParameter("done", TransferRecord.SagaStep.DONE)
                .setParameter("now", now)
                .setParameter("id", transferId)
                .setParameter("pending", TransferRecord.Status.PENDING)
                .executeUpdate() == 1;
    }

    /** A failed attempt of a pending saga's step: counted, explained, due again at {@code nextAttemptAt}, lease released. */
    public void recordSagaFailure(String transferId, TransferRecord.SagaStep step, int attempts, String error, Instant nextAttemptAt,
            Instant stuckAt, Instant now) {
        em.createQuery("update TransferRecord t set t.sagaStep = :step, t.attempts = :attempts, t.lastError = :error,"
                + " t.nextAttemptAt = :next, t.leaseOwner = null, t.leaseUntil = null, t.updatedAt = :now"
                + " where t.id = :id and t.status = :pending")
                .setParameter("step", step)
                .setParameter("attempts", attempts)
                .setParameter("error", error)
                .setParameter("next", nextAttemptAt)
                .setParameter("now", now)
                .setParameter("id", transferId)
                .setParameter("pending", TransferRecord.Status.PENDING)
                .executeUpdate();
        if (stuckAt != null) {
            em.createQuery("update TransferRecord t set t.stuckAt = :at where t.id = :id and t.stuckAt is null")
                    .setParameter("at", stuckAt)
                    .setParameter("id", transferId)
                    .executeUpdate();
        }
    }

    private static final String CLAIM_SAGAS = "SELECT id, from_account, to_account, amount, currency, created_at, attempts, saga_step"
            + " FROM transfer WHERE status = 'PENDING' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)"
            + " ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED";
    private static final String LEASE_SAGA = "UPDATE transfer SET lease_owner = ?, lease_until = ? WHERE id = ?";

    /**
     * Claims up to {@code limit} pending sagas whose next attempt is due and whose lease (if any) has expired, for
     * {@code owner} until {@code leaseUntil}: one short local transaction (plain JDBC, read committed so that MariaDB
     * takes no gap locks that would hold back new transfers), rows another instance is claiming skipped.
     *
     * @return the claimed records (id, accounts, amount, currency, createdAt, attempts, sagaStep filled in)
     */
    /** Work on one connection of this ledger, inside a transaction {@link #inLocalTransaction} owns. */
    @FunctionalInterface
    public interface LocalWork<T> {
        T run(Connection db) throws SQLException;
    }

    /**
     * One short local transaction on this ledger's pool, outside any JTA transaction, read committed: MariaDB's
     * repeatable read would take gap locks that hold back new transfers' inserts. Committed when {@code work} returns
     * (it may roll back itself first), rolled back when it throws; the connection goes back to the pool as it came.
     */
    public <T> T inLocalTransaction(LocalWork<T> work) throws SQLException {
        try (Connection db = dataSource.getConnection()) {
            int isolation = db.getTransactionIsolation();
            db.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            db.setAutoCommit(false);
            try {
                T result = work.run(db);
                db.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
                db.setTransactionIsolation(isolation);
            }
        }
    }

    public List<TransferRecord> claimDueSagas(String owner, Instant now, Instant leaseUntil, int limit) throws SQLException {
        return inLocalTransaction(db -> {
            List<TransferRecord> claimed = new ArrayList<>();
            try (PreparedStatement select = db.prepareStatement(CLAIM_SAGAS)) {
                select.setLong(1, InstantMicros.toMicros(now));
                select.setLong(2, InstantMicros.toMicros(now));
                select.setInt(3, limit);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        TransferRecord r = new TransferRecord();
                        r.id = rs.getString(1);
                        r.mode = TransferRecord.Mode.SAGA;
                        r.status = TransferRecord.Status.PENDING;
                        r.fromAccount = rs.getString(2);
                        r.toAccount = rs.getString(3);
                        r.amount = rs.getBigDecimal(4);
                        r.currency = rs.getString(5);
                        r.createdAt = InstantMicros.fromMicros(rs.getLong(6));
                        r.attempts = rs.getInt(7);
                        String step = rs.getString(8);
                        r.sagaStep = step == null ? null : TransferRecord.SagaStep.valueOf(step);
                        claimed.add(r);
                    }
                }
            }
            try (PreparedStatement lease = db.prepareStatement(LEASE_SAGA)) {
                for (TransferRecord r : claimed) {
                    lease.setString(1, owner);
                    lease.setLong(2, InstantMicros.toMicros(leaseUntil));
                    lease.setString(3, r.id);
                    lease.addBatch();
                }
                lease.executeBatch();
            }
            return claimed;
        });
    }

    /**
     * Gives up the leases {@code owner} holds: called when an instance starts, since a fresh start of a node holds no
     * saga, whatever its previous run left leased.
     *
     * @return how many were released
     */
    public int releaseSagaLeasesOf(String owner) throws SQLException {
        try (Connection db = dataSource.getConnection();
                PreparedStatement release = db.prepareStatement(
                        "UPDATE transfer SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ? AND status = 'PENDING'")) {
            release.setString(1, owner);
            return release.executeUpdate();
        }
    }

    public void record(JournalEntry entry) {
        em.persist(entry);
    }

    public void addTransfer(TransferRecord transfer) {
        em.persist(transfer);
    }

    /** One insert, in the current transaction (the outbox's seq is assigned by the database). */
    public void addOutboxEvent(OutboxEvent event) {
        em.persist(event);
    }

    public Optional<TransferRecord> findTransfer(String transferId) {
        return em.createQuery("from TransferRecord t where t.id = :id", TransferRecord.class)
                .setParameter("id", transferId)
                .getResultStream()
                .findFirst();
    }

    /** The records among these ids that this ledger holds (those of transfers debiting one of its accounts). */
    public List<TransferRecord> findTransfers(Collection<String> transferIds) {
        if (transferIds.isEmpty()) {
            return List.of();
        }
        return em.createQuery("from TransferRecord t where t.id in :ids", TransferRecord.class)
                .setParameter("ids", transferIds)
                .getResultList();
    }

    public List<JournalEntry> journalOfTransfer(String transferId) {
        return em.createQuery("from JournalEntry e where e.key.transferId = :id", JournalEntry.class)
                .setParameter("id", transferId)
                .getResultList();
    }

    public List<JournalEntry> journalOfAccount(String accountId, int offset, int limit) {
        return em.createQuery("from JournalEntry e where e.key.accountId = :id order by e.createdAt desc, e.key.transferId",
                JournalEntry.class)
                .setParameter("id", accountId)
                .setFirstResult(offset)
                .setMaxResults(limit)
                .getResultList();
    }

    public Optional<IdempotencyRecord> findIdempotencyKey(String key) {
        return em.createQuery("from IdempotencyRecord r where r.key = :key", IdempotencyRecord.class)
                .setParameter("key", key)
                .getResultStream()
                .findFirst();
    }

    /** Inserts and flushes at once, so a concurrent duplicate blocks here, before any money moves. */
    public void claimIdempotencyKey(IdempotencyRecord record) {
        em.persist(record);
        em.flush();
    }

    /** One currency's sums in a ledger: the available balances and the money held by outgoing sagas. */
    public record Totals(BigDecimal balance, BigDecimal held) {
        Totals plus(Totals other) {
            return new Totals(balance.add(other.balance), held.add(other.held));
        }
    }

    /** The sums of the available balances and of the held amounts per currency, sorted by currency code. */
    public Map<String, Totals> totalsByCurrency() {
        Map<String, Totals> totals = new TreeMap<>();
        em.createQuery("select a.currency, sum(a.balance), sum(a.held) from Account a group by a.currency", Object[].class)
                .getResultList()
                .forEach(row -> totals.put((String) row[0], new Totals((BigDecimal) row[1], (BigDecimal) row[2])));
        return totals;
    }

    /** Adds one ledger's totals to a sum over ledgers. */
    public static void addTo(Map<String, Totals> sum, Map<String, Totals> totals) {
        totals.forEach((currency, t) -> sum.merge(currency, t, Totals::plus));
    }
}
