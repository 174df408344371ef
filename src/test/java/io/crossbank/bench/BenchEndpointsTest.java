package io.crossbank.bench;

import static io.crossbank.support.Api.balance;
import static io.crossbank.support.Api.openAccount;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.crossbank.transfers.OpposingTransfers;
import io.quarkus.agroal.runtime.AgroalDataSourceUtil;
import io.crossbank.transfers.TwoConnectionsPerLedger;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The benchmark's baseline and XA-over-JDBC modes, switched on, under the same small pools as the product
 * path's test: they take the pools in the product's order too, so a pool's size never makes them fail (it
 * did: at c = 64 the baseline answered 503s, which made the xa / baseline ratio there look better than it was).
 */
@QuarkusTest
@TestProfile(TwoConnectionsPerLedger.class)
class BenchEndpointsTest {

    @ParameterizedTest
    @ValueSource(strings = { "/bench/baseline-transfers", "/bench/xa-jdbc-transfers" })
    void opposingTransfersAllCommitAndMoneyIsConserved(String path) throws Exception {
        String a = openAccount("postgres", "1000.00");
        String b = openAccount("mysql", "1000.00");

        Map<Integer, Integer> statuses = OpposingTransfers.run(path, a, b, 8, 25);

        assertThat(statuses).as("answers by status").containsOnlyKeys(201).containsEntry(201, 200);
        assertThat(balance(a).add(balance(b))).isEqualByComparingTo(new BigDecimal("2000.00"));
        assertThat(AgroalDataSourceUtil.dataSourceIfActive("bench-postgres")).as("switched on, the baseline has its own pools").isPresent();
        assertThat(AgroalDataSourceUtil.dataSourceIfActive("bench-mysql")).isPresent();
    }
}
