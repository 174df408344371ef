package io.crossbank.problems;

import static io.crossbank.support.Api.openAccount;
import static io.crossbank.support.Api.transfer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.crossbank.support.AppProcess;
import io.crossbank.support.PackagedApps;
import io.crossbank.support.Sql;
import io.crossbank.support.XaDatabases;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Every way a ledger can be unreachable, caused for real on the private servers (login refused, account locked,
 * wrong password, too many connections, password expired, database closed, server killed, session cut in the
 * middle of a transfer), is a 503 ledger-unavailable with Retry-After for every request touching that ledger:
 * nothing is written, the other ledger keeps serving, a refused connection is logged in one line (requests,
 * readiness, recovery), and the service heals without a restart once the fault is gone. The packaged app runs as a login of its own, so locking that login
 * out cannot disturb any other test, even if this one is interrupted before it puts things back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerUnavailableIT {

    private static final String DATABASE = "crossbank_it_unavailable";
    private static final String LOGIN = "crossbank_faults";
    private static final String PASSWORD = "crossbank_faults";
    private static final String UNAVAILABLE = "503 urn:crossbank:problem:ledger-unavailable (problem+json, Retry-After: 1)";
    private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at [\\w$.]+\\(");
    /** The connection that uses up the one connection MariaDB still allows the login. */
    private static final AtomicReference<Connection> HOLDER = new AtomicReference<>();
    private static final ExecutorService REQUESTS = Executors.newFixedThreadPool(12);
    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE).preparedBy(() -> {
        Sql.resetLogin(LOGIN, PASSWORD);
        Sql.requirePasswordOverTcp(LOGIN);
        Sql.recreateEmptyDatabases(DATABASE, LOGIN);
    });
    private static AppProcess app;

    @BeforeAll
    static void startTheAppAsALoginOfItsOwn() {
        app = APPS.app("unavailable")
                .with("QUARKUS_DATASOURCE_POSTGRES_USERNAME", LOGIN)
                .with("QUARKUS_DATASOURCE_POSTGRES_PASSWORD", PASSWORD)
                .with("QUARKUS_DATASOURCE_MYSQL_USERNAME", LOGIN)
                .with("QUARKUS_DATASOURCE_MYSQL_PASSWORD", PASSWORD)
                // a recovery pass every 2 s or so (1 s pause, 1 s between its phases): several run during the faults;
                // at DEBUG, each pass that cannot reach a ledger says so
                .with("CROSSBANK_RECOVERY_PERIOD", "1s")
                .with("QUARKUS_LOG_CATEGORY__IO_CROSSBANK_RECOVERY__LEVEL", "DEBUG")
                // Lock waits of 20 s instead of 3 s: a transfer cut while it waits for a row must still be waiting
                // when the cut comes, however loaded the machine (at 3 s it could time out first: ledger-busy).
                .with("QUARKUS_DATASOURCE_POSTGRES_JDBC_NEW_CONNECTION_SQL",
                        "SET lock_timeout = '20s'; SET statement_timeout = '25s'; SET idle_in_transaction_session_timeout = '30s'")
                .with("QUARKUS_DATASOURCE_MYSQL_JDBC_NEW_CONNECTION_SQL", "SET SESSION innodb_lock_wait_timeout = 20")
                .with("QUARKUS_TRANSACTION_MANAGER_DEFAULT_TRANSACTION_TIMEOUT", "40s")
                // Stopped after the class with a ledger perhaps still refusing it: its drain would wait for that ledger.
                .with("CROSSBANK_DRAIN_TIMEOUT", "2s")
                .start();
        RestAssured.port = app.port();
    }

    /** Whatever an earlier case left behind, each one starts with both ledgers reachable. */
    @BeforeEach
    void bothLedgersReachable() {
        await("readiness UP before the fault").atMost(Duration.ofSeconds(30))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    /** The app goes first (the extension would only kill it after this), then the faults it was under. */
    @AfterAll
    static void stop() {
        REQUESTS.shutdownNow();
        if (app != null) {
            app.stop();
        }
        XaDatabases.start();
        Sql.resetLogin(LOGIN, PASSWORD);
    }

    /** A fault on one ledger's server, how to undo it, and how the server refuses a new login meanwhile. */
    record Fault(String name, String ledger, boolean serverDown, Step apply, Step remove, Predicate<SQLException> refusal) {

        @Override
        public String toString() {
            return name;
        }
    }

    interface Step {
        void run() throws Exception;
    }

    static Stream<Fault> faults() {
        return Stream.of(
                postgres("postgres login refused (role NOLOGIN)", "ALTER ROLE " + LOGIN + " NOLOGIN", "ALTER ROLE " + LOGIN + " LOGIN",
                        "28000"),
                postgres("postgres password wrong", "ALTER ROLE " + LOGIN + " PASSWORD 'not-the-app-password'",
                        "ALTER ROLE " + LOGIN + " PASSWORD '" + PASSWORD + "'", "28P01"),
                postgres("postgres too many connections (CONNECTION LIMIT 0)", "ALTER ROLE " + LOGIN + " CONNECTION LIMIT 0",
                        "ALTER ROLE " + LOGIN + " CONNECTION LIMIT -1", "53300"),
                postgres("postgres database closed to connections (ALLOW_CONNECTIONS false)",
                        "ALTER DATABASE " + DATABASE + " ALLOW_CONNECTIONS false", "ALTER DATABASE " + DATABASE + " ALLOW_CONNECTIONS true",
                        "55000"),
                new Fault("postgres server killed", "postgres", true, XaDatabases::crashPostgres, XaDatabases::start,
                        e -> "08001".equals(e.getSQLState())),
                mysql("mysql account locked", "ALTER USER '" + LOGIN + "'@'%' ACCOUNT LOCK", "ALTER USER '" + LOGIN + "'@'%' ACCOUNT UNLOCK",
                        4151),
                mysql("mysql password wrong", "ALTER USER '" + LOGIN + "'@'%' IDENTIFIED BY 'not-the-app-password'",
                        "ALTER USER '" + LOGIN + "'@'%' IDENTIFIED BY '" + PASSWORD + "'", 1045),
                new Fault("mysql too many connections (MAX_USER_CONNECTIONS 1, taken by another session)", "mysql", false,
                        LedgerUnavailableIT::takeTheOnlyMysqlConnection, () -> {
                            mysqlAdmin("ALTER USER '" + LOGIN + "'@'%' WITH MAX_USER_CONNECTIONS 0");
                            Connection holder = HOLDER.getAndSet(null);
                            if (holder != null) {
                                holder.close();
                            }
                        }, e -> e.getErrorCode() == 1226),
                // MariaDB lets the login in (disconnect_on_expired_password=OFF), then refuses Connector/J's first statement.
                mysql("mysql password expired", "ALTER USER '" + LOGIN + "'@'%' PASSWORD EXPIRE",
                        "ALTER USER '" + LOGIN + "'@'%' IDENTIFIED BY '" + PASSWORD + "'", 1820),
                new Fault("mysql server killed", "mysql", true, XaDatabases::crashMysql, XaDatabases::start,
                        e -> "08S01".equals(e.getSQLState())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void everyRequestTouchingTheLedgerIsUnavailableUntilTheFaultIsGoneThenItHeals(Fault fault) throws Exception {
        String ledger = fault.ledger();
        String other = ledger.equals("postgres") ? "mysql" : "postgres";
        String a = openAccount(ledger, "100.00");
        String b = openAccount(ledger, "0.00");
        String x = openAccount(other, "100.00");
        String p = openAccount(other, "100.00");
        String q = openAccount(other, "0.00");
        Map<String, Object> before = state(List.of(a, b, x));

        Map<String, String> answers = new LinkedHashMap<>();
        Map<String, Future<String>> checks = new LinkedHashMap<>();
        String refusal;
        String log;
        try {
            int sessions = Sql.sessionCount(ledger, LOGIN, DATABASE);
            fault.apply().run();
            if (!fault.serverDown()) {
                cutSessions(ledger);
            }
            refusal = awaitLoginRefused(fault);
            // Each of these meets one of the pool's dead sessions (at most), which the pool then drops.
            for (int i = 1; i <= sessions; i++) {
                answers.put("transfer " + ledger + " -> " + other + " while the pool may hold dead sessions #" + i,
                        answer(transfer(a, x, "1.00")));
            }

            // Every one of these needs a new connection to the ledger; they run at once (Agroal retries a failed
            // login once, a second later), beside a readiness probe.
            int logStart = app.logText().length();
            Map<String, Future<String>> requests = new LinkedHashMap<>();
            requests.put("transfer " + ledger + " -> " + other, async(() -> answer(transfer(a, x, "1.00"))));
            requests.put("transfer " + other + " -> " + ledger, async(() -> answer(transfer(x, a, "1.00"))));
            requests.put("transfer within " + ledger, async(() -> answer(transfer(a, b, "1.00"))));
            requests.put("transfer with an Idempotency-Key",
                    async(() -> answer(transfer(a, x, "1.00", "unavailable-" + UUID.randomUUID()))));
            requests.put("GET /accounts/{id}", async(() -> answer(given().get("/accounts/" + a))));
            requests.put("GET /accounts?ledger=" + ledger, async(() -> answer(given().get("/accounts?ledger=" + ledger))));
            requests.put("POST /accounts", async(() -> answer(given().contentType(ContentType.JSON)
                    .body(Map.of("ledger", ledger, "owner", "refused", "currency", "EUR", "initialBalance", "5.00")).post("/accounts"))));
            requests.put("GET /transfers?account=", async(() -> answer(given().get("/transfers?account=" + a))));
            checks.put("other ledger", async(() -> status(transfer(p, q, "1.00"))));
            checks.put("readiness", async(() -> status(given().get("/q/health/ready"))));
            for (Map.Entry<String, Future<String>> request : requests.entrySet()) {
                answers.put(request.getKey(), request.getValue().get(30, TimeUnit.SECONDS));
            }
            for (Future<String> check : checks.values()) {
                check.get(30, TimeUnit.SECONDS);
            }
            log = app.logText().substring(logStart);
        } finally {
            fault.remove().run();
        }

        assertThat(answers.entrySet().stream().filter(answer -> !answer.getValue().equals(UNAVAILABLE)).toList())
                .as("requests not answered %s while %s (log: %s)", UNAVAILABLE, fault, app.log()).isEmpty();
        assertThat(checks.get("other ledger").get()).as("a transfer within the %s ledger, untouched by %s", other, fault).isEqualTo("201");
        assertThat(checks.get("readiness").get()).as("readiness while %s", fault).isEqualTo("503");
        assertThat(log).as("what the app logged while %s: the server's refusal", fault).contains(refusal);
        assertThat(log).as("what the app logged while %s: a line per failure, no stack trace", fault).doesNotContainPattern(STACK_FRAME);

        Map<String, Object> expected = new LinkedHashMap<>(before);
        expected.merge(other + " journal rows", 2L, (n, more) -> (Long) n + (Long) more);
        assertThat(state(List.of(a, b, x))).as("both ledgers after %s: only the %s-only transfer was written", fault, other)
                .isEqualTo(expected);
        assertThat(Sql.preparedBranches()).as("prepared branches after %s", fault).isEmpty();

        awaitHealed(a, x, fault.toString());
        assertThat(Sql.balance(a, DATABASE)).as("the transfer after %s debited its account once", fault).isEqualByComparingTo("99.00");
        assertThat(Sql.balance(x, DATABASE)).as("the transfer after %s credited its account once", fault).isEqualByComparingTo("101.00");
    }

    /** First, while recovery has never failed to reach a ledger: its one warning per outage is this test's. */
    @Test
    @Order(1)
    void recoveryAndReadinessReportAnOutageOnceAndWithoutStackTraces() throws Exception {
        List<Fault> faults = faults().filter(f -> f.name().contains("login refused") || f.name().contains("account locked")).toList();
        assertThat(faults).as("one login fault per ledger").hasSize(2);
        int logStart = app.logText().length();
        String log;
        try {
            for (Fault fault : faults) {
                fault.apply().run();
                cutSessions(fault.ledger());
                awaitLoginRefused(fault);
            }
            // The first pass that fails warns; the next ones say so at DEBUG only.
            await("a second recovery pass with both ledgers refusing the login").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        String since = app.logText().substring(logStart);
                        return since.contains("Recovery cannot reach crossbank/postgres this pass")
                                && since.contains("Recovery cannot reach crossbank/mysql this pass");
                    });
            assertThat(given().get("/q/health/ready").statusCode()).as("readiness with both ledgers refusing the login").isEqualTo(503);
            log = app.logText().substring(logStart);
        } finally {
            for (Fault fault : faults) {
                fault.remove().run();
            }
        }

        assertThat(log).as("what the app logged during two recovery passes and a readiness probe").doesNotContainPattern(STACK_FRAME);
        for (String ledger : List.of("postgres", "mysql")) {
            // the warning goes on "(<cause>)", the DEBUG line on "this pass"
            assertThat(occurrences(log, "Recovery cannot reach crossbank/" + ledger + " ("))
                    .as("warnings that recovery cannot reach the %s ledger, over two passes or more", ledger).isEqualTo(1);
        }
        await("recovery reaching both ledgers again").atMost(Duration.ofSeconds(20)).until(() -> {
            String since = app.logText().substring(logStart);
            return since.contains("Recovery reaches crossbank/postgres again") && since.contains("Recovery reaches crossbank/mysql again");
        });
    }

    @ParameterizedTest(name = "{0} session cut while the transfer waits for a row there")
    @ValueSource(strings = { "postgres", "mysql" })
    void sessionCutInTheMiddleOfATransferIsUnavailableAndChangesNothing(String ledger) throws Exception {
        String other = ledger.equals("postgres") ? "mysql" : "postgres";
        String locked = openAccount(ledger, "0.00");
        String from = openAccount(other, "100.00");
        Map<String, Object> before = state(List.of(locked, from));
        Response answer;
        try (Connection holder = Sql.ledgerOf(locked, DATABASE)) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.executeQuery("SELECT balance FROM account WHERE id = '" + locked + "' FOR UPDATE").close();
            }
            // The transfer has begun in both ledgers by the time it waits for this row. The earlier cases cut the
            // pool's sessions, and a pooled connection found dead fails the transfer at once (503, nothing written)
            // before it reaches the row: then the pool has let that connection go, and the transfer is tried again.
            Future<Response> transfer = null;
            for (int attempt = 1; attempt <= 25; attempt++) {
                Future<Response> started = async(() -> transfer(from, locked, "10.00"));
                await("the transfer waiting for the locked row, or failing first").atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> started.isDone() || Sql.lockWaits(ledger, LOGIN, DATABASE) > 0);
                if (!started.isDone()) {
                    transfer = started;
                    break;
                }
                assertThat(answer(started.get())).as("a transfer that failed before waiting for the row (attempt %d)", attempt)
                        .isEqualTo(UNAVAILABLE);
            }
            assertThat(transfer).as("a transfer waiting for the locked row within 25 attempts (one per pooled session that may be dead)").isNotNull();
            cutSessions(ledger);
            answer = transfer.get(10, TimeUnit.SECONDS);
            holder.rollback();
        }

        assertThat(answer(answer)).as("answer to a transfer whose %s session was cut under it (log: %s)", ledger, app.log())
                .isEqualTo(UNAVAILABLE);
        assertThat(state(List.of(locked, from))).as("both ledgers after the cut").isEqualTo(before);
        assertThat(Sql.preparedBranches()).as("prepared branches after the cut").isEmpty();
        awaitHealed(from, locked, "the " + ledger + " session cut");
        assertThat(Sql.balance(locked, DATABASE)).as("the transfer after the cut credited its account once").isEqualByComparingTo("1.00");
    }

    /*
     * MariaDB counts a login's connections against its limit only from the moment a limit is set: the holder
     * must connect after it, and the app's own sessions (opened before, hence uncounted) must go.
     */
    private static void takeTheOnlyMysqlConnection() throws SQLException {
        mysqlAdmin("ALTER USER '" + LOGIN + "'@'%' WITH MAX_USER_CONNECTIONS 1");
        await("a session holding the login's only connection").atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                // no default database: cutting the app's sessions (those on DATABASE) leaves it alone
                HOLDER.set(DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + Sql.mysqlPort() + "/", LOGIN, PASSWORD));
                return true;
            } catch (SQLException e) {
                Sql.cutMysqlSessions(LOGIN, DATABASE);
                return false;
            }
        });
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }

    private static <T> Future<T> async(Callable<T> task) {
        return REQUESTS.submit(task);
    }

    private static String status(Response response) {
        return String.valueOf(response.statusCode());
    }

    private static Fault postgres(String name, String apply, String remove, String sqlState) {
        return new Fault(name, "postgres", false, () -> postgresAdmin(apply), () -> postgresAdmin(remove),
                e -> sqlState.equals(e.getSQLState()));
    }

    private static Fault mysql(String name, String apply, String remove, int errorCode) {
        return new Fault(name, "mysql", false, () -> mysqlAdmin(apply), () -> mysqlAdmin(remove), e -> e.getErrorCode() == errorCode);
    }

    private static void postgresAdmin(String sql) throws SQLException {
        try (Connection c = Sql.postgres("postgres"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void mysqlAdmin(String sql) throws SQLException {
        try (Connection c = Sql.mysql(Sql.DATABASE); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void cutSessions(String ledger) {
        if (ledger.equals("postgres")) {
            Sql.cutPostgresSessions(LOGIN, DATABASE);
        } else {
            Sql.cutMysqlSessions(LOGIN, DATABASE);
        }
    }

    /**
     * The fault is in place once the server refuses the app's login the way this fault makes it; returns the
     * first line of the driver's message.
     */
    private static String awaitLoginRefused(Fault fault) {
        String url = fault.ledger().equals("postgres") ? Sql.postgresUrl(DATABASE) : Sql.mysqlUrl(DATABASE);
        AtomicReference<String> last = new AtomicReference<>("no attempt");
        await("the server refusing the app's login: " + fault).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    try (Connection c = DriverManager.getConnection(url, LOGIN, PASSWORD)) {
                        last.set("accepted");
                        return false;
                    } catch (SQLException e) {
                        last.set(e.getMessage().lines().findFirst().orElse(""));
                        return fault.refusal().test(e);
                    }
                });
        return last.get();
    }

    /** Heals without a restart: transfers commit again (while the pool reconnects, 503 and nothing else). */
    private static void awaitHealed(String from, String to, String fault) {
        await("transfers commit again after " + fault).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Response response = transfer(from, to, "1.00");
            assertThat(response.statusCode()).as("a transfer while the service heals from %s: %s", fault, response.body().asString())
                    .isIn(201, 503);
            return response.statusCode() == 201;
        });
        given().get("/accounts/" + from).then().statusCode(200);
        await("readiness UP again after " + fault).atMost(Duration.ofSeconds(10))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    /** Status, problem type, content type and Retry-After of an answer, in one comparable line. */
    private static String answer(Response response) {
        boolean problem = response.contentType() != null && response.contentType().startsWith("application/problem+json");
        String type = problem ? response.path("type") : "-";
        String detail = problem ? response.path("detail") : "";
        String leak = detail != null && (detail.contains("Exception") || detail.contains("\tat ")) ? " LEAKS " + detail : "";
        return response.statusCode() + " " + type + " (" + (problem ? "problem+json" : response.contentType()) + ", Retry-After: "
                + response.header("Retry-After") + ")" + leak;
    }

    /** What the fault must not change: each account's balance and journal, and every table's size in both ledgers. */
    private static Map<String, Object> state(List<String> accounts) throws SQLException {
        Map<String, Object> state = new LinkedHashMap<>();
        for (String ledger : List.of("postgres", "mysql")) {
            try (Connection c = ledger.equals("postgres") ? Sql.postgres(DATABASE) : Sql.mysql(DATABASE);
                    Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM account), (SELECT count(*) FROM journal_entry),"
                        + " (SELECT count(*) FROM idempotency_key)")) {
                    rs.next();
                    state.put(ledger + " accounts", rs.getLong(1));
                    state.put(ledger + " journal rows", rs.getLong(2));
                    state.put(ledger + " idempotency keys", rs.getLong(3));
                }
                for (String account : accounts.stream().filter(id -> Sql.ledgerName(id).equals(ledger)).toList()) {
                    try (PreparedStatement q = c.prepareStatement(
                            "SELECT balance, (SELECT count(*) FROM journal_entry WHERE account_id = ?) FROM account WHERE id = ?")) {
                        q.setString(1, account);
                        q.setString(2, account);
                        try (ResultSet rs = q.executeQuery()) {
                            assertThat(rs.next()).as("account %s exists", account).isTrue();
                            state.put("balance of " + account, rs.getBigDecimal(1).toPlainString());
                            state.put("journal rows of " + account, rs.getLong(2));
                        }
                    }
                }
            }
        }
        return state;
    }
}
