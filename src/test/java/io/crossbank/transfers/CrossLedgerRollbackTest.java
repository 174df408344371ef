package io.crossbank.transfers;

import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.crossbank.support.Sql;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The credit side violates the column's range after the debit side has already been written in the other
 * database: the XA transaction must roll both back.
 */
@QuarkusTest
class CrossLedgerRollbackTest {

    private static final String NEARLY_FULL = "99999999999999999.00";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({ "mysql, postgres", "postgres, mysql" })
    void failingCreditAfterTheDebitWasWrittenLeavesBothDatabasesUnchanged(String fromLedger, String toLedger) {
        String from = openAccount(fromLedger, "50.00");
        String to = openAccount(toLedger, "0.00");
        Sql.setBalance(to, NEARLY_FULL);

        assertProblem(transfer(from, to, "10.00"), 422, "balance-limit");

        assertThat(Sql.balance(from)).as("debited account in %s must be unchanged", fromLedger).isEqualByComparingTo("50.00");
        assertThat(Sql.balance(to)).as("credited account in %s must be unchanged", toLedger).isEqualByComparingTo(NEARLY_FULL);
        assertThat(Sql.journalRowsOfAccount(from)).as("no journal row for %s", from).isZero();
        assertThat(Sql.journalRowsOfAccount(to)).as("no journal row for %s", to).isZero();
        assertThat(Sql.preparedBranches()).as("prepared branches").isEmpty();
    }
}
