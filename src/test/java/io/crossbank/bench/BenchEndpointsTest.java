package io.crossbank.bench;

import static io.crossbank.support.Api.balance;
import static io.crossbank.support.Api.openAccount;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.crossbank.support.Api;
import io.crossbank.support.Sql;
import io.crossbank.transfers.OpposingTransfers;
import io.quarkus.agroal.runtime.AgroalDataSourceUtil;
import io.crossbank.transfers.TwoConnectionsPerLedger;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * The benchmark's baseline and XA-over-JDBC modes, switched on, under the same small pools as the product
 * path's test: they take the pools in the product's order too, so a pool's size never makes them fail (it
 * did: at c = 64 the baseline answered 503s, which made the xa / baseline ratio there look better than it was).
 */
@QuarkusTest
@TestProfile(TwoConnectionsPerLedger.class)
class BenchEndpointsTest {

    @ParameterizedTest
    @ValueSource(strings = { "/bench/baseline-transfers", "/bench/xa-jdbc-transfers", "/bench/tutorial-transfers" })
    void opposingTransfersAllCommitAndMoneyIsConserved(String path) throws Exception {
        String a = openAccount("postgres", "1000.00");
        String b = openAccount("mysql", "1000.00");

        Map<Integer, Integer> statuses = OpposingTransfers.run(path, a, b, 8, 25);

        assertThat(statuses).as("answers by status").containsOnlyKeys(201).containsEntry(201, 200);
        assertThat(balance(a).add(balance(b))).isEqualByComparingTo(new BigDecimal("2000.00"));
        assertThat(AgroalDataSourceUtil.dataSourceIfActive("bench-postgres")).as("switched on, the baseline has its own pools").isPresent();
        assertThat(AgroalDataSourceUtil.dataSourceIfActive("bench-mysql")).isPresent();
    }

    /** The events benchmark's comparison point: POST /transfers' own path, the same answer, no outbox row. */
    @Test
    void theNoEventsModeIsTheProductPathWithoutItsOutboxRow() {
        String from = openAccount("postgres", "10.00");
        String to = openAccount("mysql", "0.00");

        Response withoutEvent = Api.transferVia("/bench/xa-no-events-transfers", from, to, "1.00");
        Response withEvent = Api.transferVia("/transfers", from, to, "2.00");

        assertThat(withoutEvent.statusCode()).as("answer %s", withoutEvent.body().asString()).isEqualTo(201);
        assertThat(withoutEvent.<String>path("mode")).isEqualTo("xa");
        assertThat(withoutEvent.<String>path("status")).isEqualTo("COMMITTED");
        assertThat(balance(from)).isEqualByComparingTo("7.00");
        assertThat(balance(to)).isEqualByComparingTo("3.00");
        assertThat(Sql.outboxRowsOf(from, withoutEvent.path("id"))).as("no event for the no-events mode").isZero();
        assertThat(Sql.outboxRowsOf(from, withEvent.path("id"))).as("POST /transfers writes its event").isEqualTo(1);
    }

    /**
     * The credit fails with a checked SQLException (the credited balance would overflow its column) after the debit
     * ran in the same XA transaction: all of it rolls back. Under JTA's default rule, which commits on a checked
     * exception, the debit committed alone and the money vanished.
     */
    @Test
    void aCheckedFailureAfterTheDebitRollsBackTheWholeXaTransfer() {
        // Rows are locked in account-id order, so "my-…" is debited before "pg-…" is credited.
        String debited = openAccount("mysql", "10.00");
        String credited = openAccount("postgres", "0.00");
        Sql.setBalance(credited, "99999999999999999.00");

        Response response = Api.transferVia("/bench/xa-jdbc-transfers", debited, credited, "1.00");

        assertThat(response.statusCode()).as("answer %s", response.body().asString()).isEqualTo(422);
        assertThat(response.<String>path("type")).isEqualTo("urn:crossbank:problem:balance-limit");
        assertThat(Sql.balance(debited)).as("the debited MySQL account keeps its money").isEqualByComparingTo("10.00");
        assertThat(Sql.balance(credited)).as("the PostgreSQL account is unchanged").isEqualByComparingTo("99999999999999999.00");
        assertThat(Sql.journalRowsOfAccount(debited)).as("no journal row for the debit").isZero();
        assertThat(Sql.preparedBranches()).as("nothing left prepared").isEmpty();
    }
}
