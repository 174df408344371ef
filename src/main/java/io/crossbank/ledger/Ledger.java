package io.crossbank.ledger;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.persistence.EntityManager;

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
     * Takes {@code amount} from the account if, and only if, it holds at least that much: one conditional
     * UPDATE, so two concurrent debits cannot both pass a check made on a stale read.
     *
     * @return false when the account does not hold enough (or does not exist)
     */
    public boolean debit(String accountId, BigDecimal amount) {
        return em.createQuery("update Account a set a.balance = a.balance - :amount where a.id = :id and a.balance >= :amount")
                .setParameter("amount", amount)
                .setParameter("id", accountId)
                .executeUpdate() == 1;
    }

    public boolean credit(String accountId, BigDecimal amount) {
        return em.createQuery("update Account a set a.balance = a.balance + :amount where a.id = :id")
                .setParameter("amount", amount)
                .setParameter("id", accountId)
                .executeUpdate() == 1;
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

    /** Sum of balances per currency, sorted by currency code. */
    public Map<String, BigDecimal> totalsByCurrency() {
        Map<String, BigDecimal> totals = new TreeMap<>();
        em.createQuery("select a.currency, sum(a.balance) from Account a group by a.currency", Object[].class)
                .getResultList()
                .forEach(row -> totals.put((String) row[0], (BigDecimal) row[1]));
        return totals;
    }
}
