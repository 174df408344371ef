package io.crossbank.bench;

import java.math.BigDecimal;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.crossbank.ledger.Account;
import io.crossbank.ledger.Ids;
import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.LedgerName;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;
import io.crossbank.transfers.TransferView;
import io.quarkus.hibernate.orm.PersistenceUnit;

/**
 * What a user would build instead of Crossbank (issue #12, mode {@code tutorial}): the textbook Quarkus + Narayana
 * transfer over the same two XA datasources and persistence units. Both accounts loaded with a pessimistic lock (SELECT … FOR UPDATE),
 * both balances set, Hibernate flushes at commit; no transfer record, no journal, no outbox event, no idempotency,
 * no metrics, no named recovery participant. The one liberty: the rows are locked in account-id order, because
 * without it two opposing transfers deadlock across the two databases (each waits for its lock-wait timeout) and
 * the hot-account cell would measure timeouts, not transfers.
 */
@ApplicationScoped
public class TutorialTransfers {

    private final EntityManager postgres;
    private final EntityManager mysql;

    TutorialTransfers(@PersistenceUnit("postgres") EntityManager postgres, @PersistenceUnit("mysql") EntityManager mysql) {
        this.postgres = postgres;
        this.mysql = mysql;
    }

    @Transactional
    TransferView execute(BenchTransfer transfer) {
        Account from;
        Account to;
        if (transfer.from().compareTo(transfer.to()) < 0) {
            from = locked(transfer.fromLedger(), transfer.from());
            to = locked(transfer.toLedger(), transfer.to());
        } else {
            to = locked(transfer.toLedger(), transfer.to());
            from = locked(transfer.fromLedger(), transfer.from());
        }
        BigDecimal amount = transfer.amount();
        if (from.balance.compareTo(amount) < 0) {
            throw new ProblemException(ProblemType.INSUFFICIENT_FUNDS, "Account " + from.id + " does not hold " + amount.toPlainString());
        }
        from.balance = from.balance.subtract(amount);
        to.balance = to.balance.add(amount);
        return TransferSql.view(transfer, Ids.newTransferId(), from.currency, InstantMicros.now());
    }

    // A native SELECT … FOR UPDATE rather than find(…, PESSIMISTIC_WRITE): for the MySQL dialect Hibernate writes
    // MySQL 8's "for update of a1_0", which MariaDB rejects as a syntax error.
    private Account locked(LedgerName ledger, String id) {
        List<?> rows = (ledger == LedgerName.POSTGRES ? postgres : mysql)
                .createNativeQuery("SELECT * FROM account WHERE id = ? FOR UPDATE", Account.class)
                .setParameter(1, id)
                .getResultList();
        if (rows.isEmpty()) {
            throw ProblemException.accountNotFound(id);
        }
        return (Account) rows.get(0);
    }
}
