package io.crossbank.bench;

import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.crossbank.ledger.AccountCurrencies;
import io.crossbank.ledger.Ledgers;
import io.crossbank.transfers.TransferView;

/**
 * Diagnostic only: the baseline's plain-JDBC statements inside one JTA transaction over the product's XA
 * datasources. Next to the product path (same XA, through Hibernate) and the baseline (same JDBC, no
 * coordinator) it splits the gap into what the ORM costs and what two-phase commit costs.
 */
@ApplicationScoped
public class XaJdbcTransfers {

    private final Ledgers ledgers;
    private final AccountCurrencies currencies;

    XaJdbcTransfers(Ledgers ledgers, AccountCurrencies currencies) {
        this.ledgers = ledgers;
        this.currencies = currencies;
    }

    // Rolled back on any exception: JTA's default would commit on a checked one (an SQLException from the credit after
    // the debit ran), leaving half a transfer.
    @Transactional(rollbackOn = Exception.class)
    TransferView execute(BenchTransfer transfer) throws SQLException {
        // Inside a JTA transaction each getConnection() enlists that database's XA branch; Narayana commits
        // with 2PC when there are two, one-phase when there is one.
        return transfer.onConnections(ledger -> ledgers.get(ledger).dataSource().getConnection(),
                (debitSide, creditSide) -> TransferSql.apply(transfer, debitSide, creditSide, currencies));
    }

}
