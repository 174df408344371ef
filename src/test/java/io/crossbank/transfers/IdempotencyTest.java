package io.crossbank.transfers;

import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.crossbank.support.Sql;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
class IdempotencyTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({ "postgres, mysql", "mysql, postgres", "postgres, postgres" })
    void replayReturnsTheOriginalTransferAndMovesNoMoney(String fromLedger, String toLedger) {
        String from = openAccount(fromLedger, "100.00");
        String to = openAccount(toLedger, "0.00");
        String key = UUID.randomUUID().toString();

        Response first = transfer(from, to, "10.00", key);
        Response replay = transfer(from, to, "10.00", key);

        first.then().statusCode(201).header("Idempotent-Replayed", "false");
        replay.then().statusCode(201).header("Idempotent-Replayed", "true");
        assertThat(replay.<String>path("id")).isEqualTo(first.path("id"));
        assertThat(replay.<String>path("createdAt")).isEqualTo(first.path("createdAt"));
        assertThat(Sql.balance(from)).isEqualByComparingTo("90.00");
        assertThat(Sql.balance(to)).isEqualByComparingTo("10.00");
    }

    @Test
    void sameKeyWithAnotherBodyIsAConflict() {
        String from = openAccount("postgres", "100.00");
        String to = openAccount("mysql", "0.00");
        String other = openAccount("mysql", "100.00");
        String key = UUID.randomUUID().toString();
        transfer(from, to, "10.00", key).then().statusCode(201);

        assertProblem(transfer(from, to, "10.01", key), 409, "idempotency-conflict");
        assertProblem(transfer(to, from, "1.00", key), 409, "idempotency-conflict");
        assertProblem(transfer(other, to, "10.00", key), 409, "idempotency-conflict");

        assertThat(Sql.balance(from)).isEqualByComparingTo("90.00");
        assertThat(Sql.balance(to)).isEqualByComparingTo("10.00");
        assertThat(Sql.balance(other)).isEqualByComparingTo("100.00");
    }

    @Test
    void parallelDuplicatesApplyOnce() throws Exception {
        String from = openAccount("postgres", "100.00");
        String to = openAccount("mysql", "0.00");
        String key = UUID.randomUUID().toString();
        int clients = 12;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Response>> answers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            answers.add(pool.submit(() -> {
                go.await();
                return transfer(from, to, "7.00", key);
            }));
        }
        go.countDown();
        List<String> ids = new ArrayList<>();
        for (Future<Response> answer : answers) {
            Response response = answer.get();
            assertThat(response.statusCode()).as("status of a duplicate: %s", response.body().asString()).isEqualTo(201);
            ids.add(response.path("id"));
        }
        pool.shutdown();

        assertThat(ids).as("every duplicate answers with the one transfer").containsOnly(ids.get(0));
        assertThat(Sql.balance(from)).as("debited once").isEqualByComparingTo("93.00");
        assertThat(Sql.balance(to)).as("credited once").isEqualByComparingTo("7.00");
        assertThat(Sql.journalRowsOfAccount(from)).isEqualTo(1);
        assertThat(Sql.preparedBranches()).isEmpty();
    }
}
