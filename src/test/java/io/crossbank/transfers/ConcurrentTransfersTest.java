package io.crossbank.transfers;

import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.crossbank.support.Sql;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Many clients move money at random between a few hot accounts in both ledgers, in opposing directions:
 * money is conserved, no balance goes negative, nothing deadlocks, nothing stays prepared, no 5xx.
 */
@QuarkusTest
class ConcurrentTransfersTest {

    private static final int THREADS = 16;
    private static final int TRANSFERS_PER_THREAD = 200;

    @Test
    void randomOpposingTransfersConserveMoney() throws Exception {
        List<String> accounts = List.of(
                openAccount("postgres", "500.00"), openAccount("postgres", "500.00"), openAccount("postgres", "500.00"),
                openAccount("mysql", "500.00"), openAccount("mysql", "500.00"), openAccount("mysql", "500.00"));
        BigDecimal total = new BigDecimal("3000.00");
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> committed = java.util.Collections.synchronizedList(new ArrayList<>());

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> clients = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            clients.add(pool.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < TRANSFERS_PER_THREAD; i++) {
                    int from = random.nextInt(accounts.size());
                    int to = (from + 1 + random.nextInt(accounts.size() - 1)) % accounts.size();
                    String amount = BigDecimal.valueOf(random.nextInt(1, 20000), 2).toPlainString();
                    Response response = transfer(accounts.get(from), accounts.get(to), amount);
                    statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                    if (response.statusCode() == 201) {
                        committed.add(response.path("id"));
                    } else if (response.statusCode() != 422) {
                        throw new AssertionError("unexpected answer " + response.statusCode() + ": " + response.body().asString());
                    }
                }
                return null;
            }));
        }
        for (Future<?> client : clients) {
            client.get();
        }
        pool.shutdown();

        BigDecimal sum = accounts.stream().map(Sql::balance).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(sum).as("money across both databases after %s", statuses).isEqualByComparingTo(total);
        accounts.forEach(a -> assertThat(Sql.balance(a)).as("balance of %s", a).isNotNegative());
        assertThat(statuses.get(201)).as("some transfers commit: %s", statuses).isNotNull();
        assertThat(statuses.keySet()).as("statuses seen").allMatch(s -> s == 201 || s == 422);
        assertThat(committed).doesNotHaveDuplicates();
        for (String id : committed.subList(0, Math.min(committed.size(), 200))) {
            assertThat(Sql.journalRows("postgres", id) + Sql.journalRows("mysql", id))
                    .as("journal rows of committed transfer %s", id).isEqualTo(2);
        }
        assertThat(Sql.preparedBranches()).as("prepared branches").isEmpty();
    }
}
