package io.crossbank.bench;

import java.sql.Connection;
import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import io.agroal.api.AgroalDataSource;
import io.crossbank.ledger.AccountCurrencies;
import io.crossbank.ledger.LedgerName;
import io.crossbank.transfers.TransferView;

import io.quarkus.agroal.DataSource;

/**
 * The benchmark's baseline, deliberately without atomicity: the transfer's statements as two independent
 * local transactions, one per database, each committed on its own (no coordinator, no prepare, no log).
 * A crash between the two commits would leave money debited and not credited; that is the price 2PC is
 * measured against. A same-ledger transfer is one plain local transaction.
 *
 * <p>Uses the non-XA "bench-*" datasources, looked up only on first use: they are inactive (no pool at
 * all) unless the benchmark switch is on, and a static injection of an inactive datasource would stop
 * the application from starting.
 */
@ApplicationScoped
public class LocalTransfers {

    private final Instance<AgroalDataSource> postgresSource;
    private final Instance<AgroalDataSource> mysqlSource;
    private volatile AgroalDataSource postgres;
    private volatile AgroalDataSource mysql;
    private final AccountCurrencies currencies;

    LocalTransfers(@DataSource("bench-postgres") Instance<AgroalDataSource> postgres,
            @DataSource("bench-mysql") Instance<AgroalDataSource> mysql, AccountCurrencies currencies) {
        this.postgresSource = postgres;
        this.mysqlSource = mysql;
        this.currencies = currencies;
    }

    TransferView execute(BenchTransfer transfer) throws SQLException {
        return transfer.onConnections(this::connection, (debitSide, creditSide) -> transfer.crossLedger()
                ? inTwoLocalTransactions(transfer, debitSide, creditSide)
                : inOneLocalTransaction(transfer, debitSide));
    }

    private TransferView inOneLocalTransaction(BenchTransfer transfer, Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try {
            TransferView view = TransferSql.apply(transfer, connection, connection, currencies);
            connection.commit();
            return view;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection, e);
            throw e;
        }
    }

    private TransferView inTwoLocalTransactions(BenchTransfer transfer, Connection debitSide, Connection creditSide)
            throws SQLException {
        debitSide.setAutoCommit(false);
        creditSide.setAutoCommit(false);
        try {
            TransferView view = TransferSql.apply(transfer, debitSide, creditSide, currencies);
            // Two independent commits: if the second fails, the first stays committed. Not atomic, by design.
            debitSide.commit();
            creditSide.commit();
            return view;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(debitSide, e);
            rollbackQuietly(creditSide, e);
            throw e;
        }
    }

    private static void rollbackQuietly(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** Agroal restores auto-commit when the connection goes back to the pool. */
    private Connection connection(LedgerName ledger) throws SQLException {
        return (ledger == LedgerName.POSTGRES ? postgres() : mysql()).getConnection();
    }

    private AgroalDataSource postgres() {
        AgroalDataSource source = postgres;
        if (source == null) {
            source = postgresSource.get();
            postgres = source;
        }
        return source;
    }

    private AgroalDataSource mysql() {
        AgroalDataSource source = mysql;
        if (source == null) {
            source = mysqlSource.get();
            mysql = source;
        }
        return source;
    }
}
