package io.crossbank.transfers.saga;

import static io.crossbank.support.Api.openAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.crossbank.support.AppProcess;
import io.crossbank.support.Faults;
import io.crossbank.support.PackagedApps;
import io.crossbank.support.Sql;
import io.crossbank.support.XaDatabases;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Real faults under a saga, on the packaged app: the JVM halted (Byteman) after step 1 and after step 2, the
 * credited ledger's server killed before the request, and the MariaDB ledger killed under mixed XA and saga load. Each ends with the saga COMMITTED exactly once, nothing held,
 * nothing pending, the money of the two accounts what it was.
 */
class SagaFaultIT {

    private static final String DATABASE = "crossbank_it_saga";
    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // crash point,         deciding row after the crash, credited balance after the crash
            "saga-crash-after-debit,  , 0.00",
            "saga-crash-after-credit, DONE, 10.00" })
    void aRestartFinishesASagaCutByACrashExactlyOnce(String crashPoint, String decisionAfterCrash, String creditedAfterCrash) {
        AppProcess app = APPS.app(crashPoint).withByteman(crashPoint).start();
        RestAssured.port = app.port();
        String from = openAccount("postgres", "100.00");
        String to = openAccount("mysql", "0.00");

        CompletableFuture<Integer> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return saga(app.port(), from, to, "10.00", "wait=20").statusCode();
            } catch (Exception e) { // the connection's IOException, rethrown undeclared by rest-assured
                return -1;
            }
        });
        app.awaitExit(Duration.ofSeconds(60));

        assertThat(answer.join()).as("the client gets no answer from a dead JVM").isEqualTo(-1);
        assertThat(app.logText()).contains("CRASHPOINT " + crashPoint);
        String id = single(sagasFrom(from));
        assertThat(Sql.held(from, DATABASE)).as("held after the crash").isEqualByComparingTo("10.00");
        assertThat(Sql.balance(from, DATABASE)).isEqualByComparingTo("90.00");
        assertThat(Sql.sagaDecision(to, id, DATABASE)).as("the deciding row after the crash").isEqualTo(decisionAfterCrash);
        assertThat(Sql.balance(to, DATABASE)).isEqualByComparingTo(creditedAfterCrash);
        assertThat(Sql.pendingTransfers(DATABASE)).isEqualTo(1);

        AppProcess restarted = APPS.app(crashPoint).start();
        RestAssured.port = restarted.port();
        Duration toSettled = Faults.awaitTrue("saga " + id + " settled after the restart", Duration.ofSeconds(60),
                () -> Sql.pendingTransfers(DATABASE) == 0);
        Faults.recordTime("JVM killed: " + crashPoint + " (saga committed)", toSettled);

        assertCommittedOnce(id, from, to);
        assertThat(restarted.logText()).contains("Resuming 1 saga(s)");
    }

    @Test
    void aSagaIsAcceptedWhileTheCreditedLedgerIsDownAndCommitsOnceItIsBack() {
        AppProcess app = APPS.app("saga-ledger-down")
                .with("CROSSBANK_SAGA_RETRY_MAX_BACKOFF", "1s")
                .start();
        RestAssured.port = app.port();
        String from = openAccount("postgres", "100.00");
        String to = openAccount("mysql", "0.00");
        Response accepted;
        try {
            XaDatabases.crashMysql();

            accepted = given().port(app.port()).contentType(ContentType.JSON).header("Prefer", "wait=2")
                    .header("Idempotency-Key", "down-" + from)
                    .body(Map.of("from", from, "to", to, "amount", "10.00", "mode", "saga"))
                    .post("/transfers");

            assertThat(accepted.statusCode()).as("a saga while the credited ledger is down: %s", accepted.body().asString())
                    .isEqualTo(202);
            assertThat(accepted.<String>path("status")).isEqualTo("PENDING");
            String id = accepted.path("id");
            Faults.awaitTrue("a failed attempt recorded for saga " + id, Duration.ofSeconds(30), () -> lastError(id) != null);
            assertThat(lastError(id)).as("why the saga waits").startsWith("CREDIT");
            assertThat(Sql.held(from, DATABASE)).isEqualByComparingTo("10.00");
            Response followed = given().get("/transfers/" + id);
            assertThat(followed.statusCode()).as("the client follows its saga while the credited ledger is down: %s",
                    followed.body().asString()).isEqualTo(200);
            assertThat(followed.<String>path("status")).isEqualTo("PENDING");
            assertThat(followed.<List<String>>path("unavailableLedgers")).containsExactly("mysql");
            assertThat(followed.<List<String>>path("steps.name")).containsExactly("debit");
            assertThat(followed.<List<String>>path("entries.direction")).containsExactly("DEBIT");
            Response replayed = given().port(app.port()).contentType(ContentType.JSON).header("Idempotency-Key", "down-" + from)
                    .body(Map.of("from", from, "to", to, "amount", "10.00", "mode", "saga"))
                    .post("/transfers");
            assertThat(replayed.statusCode()).as("a retried request while the credited ledger is down: %s", replayed.body().asString())
                    .isEqualTo(202);
            assertThat(replayed.<String>path("id")).isEqualTo(id);
        } finally {
            XaDatabases.start();
        }
        String id = accepted.path("id");
        Duration toSettled = Faults.awaitTrue("saga " + id + " committed once the credited ledger is back", Duration.ofSeconds(60),
                () -> Sql.pendingTransfers(DATABASE) == 0);
        Faults.recordTime("credited ledger down at request time (saga committed after it returned)", toSettled);
        assertCommittedOnce(id, from, to);
        Response fetched = given().get("/transfers/" + id);
        assertThat(fetched.<String>path("status")).isEqualTo("COMMITTED");
        assertThat(fetched.<List<String>>path("steps.name")).containsExactly("debit", "credit", "settle");
        assertThat(fetched.<List<String>>path("unavailableLedgers")).as("every ledger answered").isNull();
    }

    /**
     * Cross-ledger XA transfers and sagas at random over six hot accounts, both directions, while the MariaDB ledger's server is killed and restarted
     * under the load. XA answers 503 meanwhile (or completes after the return, if its branch was prepared), sagas
     * debiting postgres are still accepted; afterwards every record is whole: an XA transfer in both journals once, a
     * saga COMMITTED with one debit and one credit, nothing held, nothing pending, nothing prepared, no log record.
     */
    @Test
    void mixedXaAndSagaLoadSurvivesTheMysqlLedgerKilledAndRestarted() throws Exception {
        AppProcess app = APPS.app("saga-mixed-kill").with("CROSSBANK_SAGA_RETRY_MAX_BACKOFF", "1s").start();
        RestAssured.port = app.port();
        List<String> accounts = List.of(openAccount("postgres", "300.00"), openAccount("postgres", "300.00"), openAccount("postgres", "300.00"),
                openAccount("mysql", "300.00"), openAccount("mysql", "300.00"), openAccount("mysql", "300.00"));
        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        Map<String, String> acknowledged = new ConcurrentHashMap<>(); // transfer id -> mode
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(6);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            running.add(clients.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    int from = random.nextInt(accounts.size());
                    int to = (from < 3 ? 3 : 0) + random.nextInt(3); // always the other ledger: each transfer is cross-ledger
                    String mode = random.nextBoolean() ? "saga" : "xa";
                    Response response = given().port(app.port()).contentType(ContentType.JSON).header("Prefer", "wait=" + random.nextInt(0, 2))
                            .body(Map.of("from", accounts.get(from), "to", accounts.get(to),
                                    "amount", BigDecimal.valueOf(random.nextInt(1, 3000), 2).toPlainString(), "mode", mode))
                            .post("/transfers");
                    int status = response.statusCode();
                    answers.computeIfAbsent(mode + " " + status, k -> new AtomicInteger()).incrementAndGet();
                    if (status == 201 || status == 202) {
                        assertThat(acknowledged.put(response.path("id"), mode)).as("one id per acknowledged transfer").isNull();
                    } else if (status != 422 && status != 503) {
                        throw new AssertionError("unexpected answer " + status + " to a " + mode + " transfer: " + response.body().asString());
                    }
                }
                return null;
            }));
        }
        Set<String> beforeOutage;
        Set<String> duringOutage;
        try {
            try {
                Faults.awaitTrue("load under way", Duration.ofSeconds(30), () -> acknowledged.size() >= 100);
                beforeOutage = Set.copyOf(acknowledged.keySet());
                XaDatabases.crashMysql();
                int acceptedBefore = count(answers, "saga 202");
                Faults.awaitTrue("sagas accepted while the mysql ledger is down", Duration.ofSeconds(30),
                        () -> count(answers, "saga 202") >= acceptedBefore + 20 && count(answers, "xa 503") > 0);
            } finally {
                duringOutage = new HashSet<>(acknowledged.keySet());
                XaDatabases.start();
            }
            duringOutage.removeAll(beforeOutage);
            duringOutage.removeIf(id -> !acknowledged.get(id).equals("saga"));
            Set<String> acceptedInOutage = Set.copyOf(duringOutage);
            Duration toSettled = Faults.awaitTrue("the sagas accepted during the outage settled", Duration.ofSeconds(60),
                    () -> acceptedInOutage.stream().noneMatch(id -> statusInEitherLedger(id).equals("PENDING")));
            Faults.recordTime("mysql ledger killed under mixed XA and saga load (its return to the " + acceptedInOutage.size()
                    + " sagas accepted meanwhile settled)", toSettled);
            int afterReturn = acknowledged.size();
            Faults.awaitTrue("load resumed after the return", Duration.ofSeconds(60), () -> acknowledged.size() >= afterReturn + 50);
        } finally {
            stop.set(true);
            clients.shutdown();
        }
        for (Future<?> client : running) {
            client.get(60, TimeUnit.SECONDS);
        }

        Faults.awaitTrue("every saga settled and nothing in doubt", Duration.ofSeconds(90),
                () -> Sql.pendingTransfers(DATABASE) == 0 && Faults.clean(app, DATABASE));
        Faults.assertInvariants(DATABASE, app, new BigDecimal("1800.00"), accounts, acknowledged.entrySet().stream()
                .filter(e -> e.getValue().equals("xa")).map(Map.Entry::getKey).toList());
        accounts.forEach(a -> assertThat(Sql.held(a, DATABASE)).as("held by %s", a).isEqualByComparingTo("0.00"));
        for (String id : acknowledged.keySet()) {
            if (acknowledged.get(id).equals("saga")) {
                int debits = Sql.journalRows("postgres", id, "TRANSFER", DATABASE) + Sql.journalRows("mysql", id, "TRANSFER", DATABASE);
                assertThat(debits).as("journal rows of saga %s (after %s)", id, answers).isEqualTo(2);
                assertThat(Sql.journalRows("postgres", id, "COMPENSATION", DATABASE) + Sql.journalRows("mysql", id, "COMPENSATION", DATABASE))
                        .as("compensations of saga %s", id).isZero();
            }
        }
        assertThat(answers.keySet()).as("answers: %s", answers).contains("xa 201", "saga 201", "saga 202", "xa 503");
    }

    private static int count(Map<String, AtomicInteger> answers, String answer) {
        return answers.getOrDefault(answer, new AtomicInteger()).get();
    }

    private static void assertCommittedOnce(String id, String from, String to) {
        assertThat(Sql.balance(from, DATABASE)).as("debited account").isEqualByComparingTo("90.00");
        assertThat(Sql.balance(to, DATABASE)).as("credited account").isEqualByComparingTo("10.00");
        assertThat(Sql.balance(from, DATABASE).add(Sql.balance(to, DATABASE))).as("money across both ledgers")
                .isEqualByComparingTo(new BigDecimal("100.00"));
        assertThat(Sql.held(from, DATABASE)).as("held once settled").isEqualByComparingTo("0.00");
        assertThat(Sql.sagaDecision(to, id, DATABASE)).isEqualTo("DONE");
        assertThat(Sql.journalRows("postgres", id, "TRANSFER", DATABASE)).as("debits").isEqualTo(1);
        assertThat(Sql.journalRows("mysql", id, "TRANSFER", DATABASE)).as("credits").isEqualTo(1);
        assertThat(Sql.journalRows("postgres", id, "COMPENSATION", DATABASE)).as("compensations").isZero();
        assertThat(status(id)).isEqualTo("COMMITTED");
        assertThat(Sql.pendingTransfers(DATABASE)).as("sagas left PENDING").isZero();
        assertThat(Sql.preparedBranches()).as("prepared branches in either database").isEmpty();
    }

    private static Response saga(int port, String from, String to, String amount, String prefer) {
        return given().port(port).contentType(ContentType.JSON).header("Prefer", prefer)
                .body(Map.of("from", from, "to", to, "amount", amount, "mode", "saga"))
                .post("/transfers");
    }

    private static List<String> sagasFrom(String from) {
        return query("SELECT id FROM transfer WHERE from_account = ?", from);
    }

    private static String statusInEitherLedger(String id) {
        List<String> statuses = new ArrayList<>(query("SELECT status FROM transfer WHERE id = ?", id));
        statuses.addAll(Sql.column(() -> Sql.mysql(DATABASE), "SELECT status FROM transfer WHERE id = ?", id));
        return single(statuses);
    }

    private static String status(String id) {
        return single(query("SELECT status FROM transfer WHERE id = ?", id));
    }

    private static String lastError(String id) {
        return single(query("SELECT last_error FROM transfer WHERE id = ?", id));
    }

    private static List<String> query(String sql, String parameter) {
        return Sql.column(() -> Sql.postgres(DATABASE), sql, parameter);
    }

    private static String single(List<String> values) {
        assertThat(values).hasSize(1);
        return values.get(0);
    }
}
