package io.crossbank.bench;

import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.balance;
import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transferVia;
import static io.quarkus.agroal.runtime.AgroalDataSourceUtil.dataSourceIfActive;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;

/**
 * In any run the benchmark did not start, its endpoints do not exist (a valid transfer to them is a 404 and
 * writes nothing) and its two non-XA datasources are inactive: no pool, no connection.
 */
@QuarkusTest
class BenchSwitchedOffTest {

    @ParameterizedTest
    @ValueSource(strings = { "/bench/baseline-transfers", "/bench/xa-jdbc-transfers", "/bench/echo-transfers" })
    void answersNotFound(String path) {
        String a = openAccount("postgres", "10.00");
        String b = openAccount("mysql", "10.00");
        assertProblem(transferVia(path, a, b, "1.00"), 404, "not-found");
        assertThat(balance(a)).isEqualByComparingTo("10.00");
        assertThat(balance(b)).isEqualByComparingTo("10.00");
    }

    @Test
    void theBenchmarkDatasourcesAreInactive() {
        assertThat(dataSourceIfActive("postgres")).isPresent();
        assertThat(dataSourceIfActive("mysql")).isPresent();
        assertThat(dataSourceIfActive("bench-postgres")).isEmpty();
        assertThat(dataSourceIfActive("bench-mysql")).isEmpty();
    }
}
