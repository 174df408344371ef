package io.crossbank.bench;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;

import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.TransferRecord;
import io.crossbank.transfers.TransferCommand;
import io.crossbank.transfers.TransferRequest;
import io.crossbank.transfers.TransferView;

/**
 * A transfer request checked by POST /transfers' own {@link TransferCommand} (same body, same problems), so the
 * baseline pays the same HTTP, JSON and validation cost as the product path. No Idempotency-Key: the
 * benchmark never sends one.
 */
record BenchTransfer(String from, String to, BigDecimal amount, LedgerName fromLedger, LedgerName toLedger, boolean debitLedgerFirst) {

    /** A pooled connection to one ledger's database. */
    interface Pools {
        Connection open(LedgerName ledger) throws SQLException;
    }

    /** What runs on the debit side's and the credit side's connections (the same one for a same-ledger transfer). */
    interface Work {
        TransferView apply(Connection debitSide, Connection creditSide) throws SQLException;
    }

    static BenchTransfer of(TransferRequest request, BigDecimal maxAmount) {
        TransferCommand command = TransferCommand.of(request, null, maxAmount, TransferRecord.Mode.XA);
        return new BenchTransfer(command.from(), command.to(), command.amount(), command.fromLedger(), command.toLedger(),
                command.from().compareTo(command.to()) < 0);
    }

    boolean crossLedger() {
        return fromLedger != toLedger;
    }

    /**
     * Opens the connections the transfer needs, in one fixed order (account-id order: mysql before postgres), and hands
     * them to {@code work}. The product joins its branches postgres first (see XaTransferExecutor, for how Narayana orders
     * commits); here either fixed order avoids the cross-pool wait, as no coordinator commits in between.
     */
    TransferView onConnections(Pools pools, Work work) throws SQLException {
        if (!crossLedger()) {
            try (Connection connection = pools.open(fromLedger)) {
                return work.apply(connection, connection);
            }
        }
        try (Connection first = pools.open(debitLedgerFirst ? fromLedger : toLedger);
                Connection second = pools.open(debitLedgerFirst ? toLedger : fromLedger)) {
            return debitLedgerFirst ? work.apply(first, second) : work.apply(second, first);
        }
    }
}
