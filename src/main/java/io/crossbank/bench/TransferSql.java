package io.crossbank.bench;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.crossbank.ledger.AccountCurrencies;
import io.crossbank.ledger.Amounts;
import io.crossbank.ledger.Ids;
import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.TransferRecord;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;
import io.crossbank.transfers.TransferView;

/**
 * The statements of one transfer, in plain JDBC, in the order {@code XaTransferExecutor} issues them
 * through Hibernate: the first account's currency read unless known, conditional debit and credit in account-id
 * order, the transfer record, one journal row on each side. The failure path is simpler (no reason named). Who begins and ends the transaction(s) is the caller's business.
 */
final class TransferSql {

    private static final String SELECT_CURRENCY = "SELECT currency FROM account WHERE id = ?";
    private static final String DEBIT = "UPDATE account SET balance = balance - ? WHERE id = ? AND balance >= ? AND frozen_at IS NULL"
            + " AND currency = ?";
    private static final String CREDIT = "UPDATE account SET balance = balance + ? WHERE id = ? AND frozen_at IS NULL AND currency = ?";
    private static final String JOURNAL = "INSERT INTO journal_entry "
            + "(transfer_id, account_id, counterparty_id, direction, amount, currency, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

    private static final String TRANSFER = "INSERT INTO transfer "
            + "(id, mode, status, from_account, to_account, amount, currency, created_at, updated_at) VALUES (?, 'XA', 'COMMITTED', ?, ?, ?, ?, ?, ?)";

    private TransferSql() {
    }

    /** Applies the transfer on the debit ledger's and the credit ledger's connection (the same one for a same-ledger transfer). */
    static TransferView apply(BenchTransfer transfer, Connection debitSide, Connection creditSide, AccountCurrencies currencies)
            throws SQLException {
        boolean fromFirst = transfer.from().compareTo(transfer.to()) < 0;
        Optional<String> known = currencies.of(transfer.from()).or(() -> currencies.of(transfer.to()));
        String currency = known.isPresent() ? known.get()
                : fromFirst ? currencyOf(debitSide, transfer.from()) : currencyOf(creditSide, transfer.to());
        if (fromFirst) {
            debit(debitSide, transfer, currency);
            credit(creditSide, transfer, currency);
        } else {
            credit(creditSide, transfer, currency);
            debit(debitSide, transfer, currency);
        }
        currencies.remember(transfer.from(), currency);
        currencies.remember(transfer.to(), currency);
        String transferId = Ids.newTransferId();
        Instant now = InstantMicros.now();
        record(debitSide, transferId, transfer, currency, now);
        journal(debitSide, transferId, transfer.from(), transfer.to(), "DEBIT", transfer.amount(), currency, now);
        journal(creditSide, transferId, transfer.to(), transfer.from(), "CREDIT", transfer.amount(), currency, now);
        return view(transfer, transferId, currency, now);
    }

    /** What POST /transfers answers, so both paths serialise the same JSON. */
    static TransferView view(BenchTransfer transfer, String transferId, String currency, Instant now) {
        return new TransferView(transferId, transfer.from(), transfer.to(), Amounts.format(transfer.amount()), currency,
                TransferRecord.Mode.XA.apiName(), TransferRecord.Status.COMMITTED.name(), null, now, List.of(
                        new TransferView.Entry(ledger(transfer.to()), transfer.to(), "CREDIT"),
                        new TransferView.Entry(ledger(transfer.from()), transfer.from(), "DEBIT")), null, null);
    }

    private static String ledger(String accountId) {
        return LedgerName.ofAccountId(accountId).map(LedgerName::apiName).orElseThrow();
    }

    private static String currencyOf(Connection connection, String accountId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT_CURRENCY)) {
            select.setString(1, accountId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw ProblemException.accountNotFound(accountId);
                }
                return row.getString("currency");
            }
        }
    }

    private static void debit(Connection connection, BenchTransfer transfer, String currency) throws SQLException {
        try (PreparedStatement debit = connection.prepareStatement(DEBIT)) {
            debit.setBigDecimal(1, transfer.amount());
            debit.setString(2, transfer.from());
            debit.setBigDecimal(3, transfer.amount());
            debit.setString(4, currency);
            if (debit.executeUpdate() != 1) {
                throw new ProblemException(ProblemType.INSUFFICIENT_FUNDS,
                        "Account " + transfer.from() + " does not hold " + transfer.amount().toPlainString());
            }
        }
    }

    private static void credit(Connection connection, BenchTransfer transfer, String currency) throws SQLException {
        try (PreparedStatement credit = connection.prepareStatement(CREDIT)) {
            credit.setBigDecimal(1, transfer.amount());
            credit.setString(2, transfer.to());
            credit.setString(3, currency);
            if (credit.executeUpdate() != 1) {
                throw ProblemException.accountNotFound(transfer.to());
            }
        }
    }

    /** The product's transfer record, so that both paths write the same rows. */
    private static void record(Connection connection, String transferId, BenchTransfer transfer, String currency, Instant now)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(TRANSFER)) {
            long micros = InstantMicros.toMicros(now);
            insert.setString(1, transferId);
            insert.setString(2, transfer.from());
            insert.setString(3, transfer.to());
            insert.setBigDecimal(4, transfer.amount());
            insert.setString(5, currency);
            insert.setLong(6, micros);
            insert.setLong(7, micros);
            insert.executeUpdate();
        }
    }

    private static void journal(Connection connection, String transferId, String account, String counterparty, String direction,
            BigDecimal amount, String currency, Instant now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(JOURNAL)) {
            insert.setString(1, transferId);
            insert.setString(2, account);
            insert.setString(3, counterparty);
            insert.setString(4, direction);
            insert.setBigDecimal(5, amount);
            insert.setString(6, currency);
            insert.setLong(7, InstantMicros.toMicros(now));
            insert.executeUpdate();
        }
    }
}
