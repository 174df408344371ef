package io.crossbank.recovery;

import static io.crossbank.support.Api.assertProblem;
import static io.crossbank.support.Api.openAccount;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.crossbank.support.AppProcess;
import io.crossbank.support.Faults;
import io.crossbank.support.PackagedApps;
import io.crossbank.support.Sql;
import io.crossbank.support.XaDatabases;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * Real database faults between prepare and commit (a Byteman rule holds the coordinator there until the test releases it):
 * servers killed with SIGKILL, sessions cut, a server down during prepare or during commit.
 */
class DatabaseFaultIT {

    private static final String DATABASE = "crossbank_it_dbfault";
    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);
    private AppProcess app;
    private String from;
    private String to;

    /** Runs before the extension kills the app: a test that failed with a server down leaves it up again. */
    @AfterEach
    void serversUp() {
        XaDatabases.start();
    }

    private CompletableFuture<Integer> transferPausedAt(String node, String rule) {
        return transferPausedAt(node, rule, "none");
    }

    private CompletableFuture<Integer> transferPausedAt(String node, String rule, String commitMarkable) {
        pausedAt(node, rule, commitMarkable);
        CompletableFuture<Integer> answer = Faults.transferInBackground(app.port(), from, to, "10.00");
        app.awaitLog("CRASHPOINT " + rule, Duration.ofSeconds(30));
        return answer;
    }

    /** Starts the app with the pause rule and opens the two accounts of the victim transfer. */
    private void pausedAt(String node, String rule) {
        pausedAt(node, rule, "none");
    }

    private void pausedAt(String node, String rule, String commitMarkable) {
        app = APPS.app(node).with("CROSSBANK_XA_COMMIT_MARKABLE_LEDGER", commitMarkable);
        Faults.deleteObjectStore(app.objectStore());
        app.withByteman(rule).with("QUARKUS_LOG_CATEGORY__COM_ARJUNA__LEVEL", System.getProperty("crossbank.it.arjuna-log", "INFO")).start();
        RestAssured.port = app.port();
        from = openAccount("postgres", "100.00");
        to = openAccount("mysql", "0.00");
    }

    private void assertBothPrepared() {
        List<String> prepared = Sql.preparedBranchesOf(app.nodeName(), DATABASE);
        assertThat(Sql.countPrepared(prepared, "postgres")).as("postgres branch prepared: %s", prepared).isEqualTo(1);
        assertThat(Sql.countPrepared(prepared, "mysql")).as("mysql branch prepared: %s", prepared).isEqualTo(1);
    }

    private void assertCommittedEverywhere(String fault, long faultNanos) {
        Faults.awaitTrue("resolution after " + fault, Duration.ofSeconds(60), () -> Faults.clean(app, DATABASE));
        Faults.recordTime(fault, Duration.ofNanos(System.nanoTime() - faultNanos));
        assertThat(Sql.balance(from, DATABASE)).as("postgres account").isEqualByComparingTo("90.00");
        assertThat(Sql.balance(to, DATABASE)).as("mysql account").isEqualByComparingTo("10.00");
        assertThat(Sql.journalRowsOfAccount(from, DATABASE)).as("postgres journal").isEqualTo(1);
        assertThat(Sql.journalRowsOfAccount(to, DATABASE)).as("mysql journal").isEqualTo(1);
        Faults.assertInvariants(DATABASE, app, new BigDecimal("100.00"), List.of(from, to), List.of());
    }

    @ParameterizedTest(name = "{0} killed after prepare")
    @ValueSource(strings = { "postgres", "mysql" })
    void databaseKilledAfterPrepareKeepsItsBranchAndIsCommittedWhenBack(String ledger) throws Exception {
        CompletableFuture<Integer> answer = transferPausedAt("dbkill-" + ledger, "pause-before-commit");
        assertBothPrepared();

        if (ledger.equals("postgres")) {
            XaDatabases.crashPostgres();
        } else {
            XaDatabases.crashMysql();
        }
        long restart = System.nanoTime();
        XaDatabases.start();
        assertThat(Sql.countPrepared(Sql.preparedBranchesOf(app.nodeName(), DATABASE), ledger))
                .as("the prepared branch survives the %s server's crash and restart", ledger).isEqualTo(1);
        app.releasePause();

        assertThat(answer.get(60, TimeUnit.SECONDS)).as("the decision was commit: the client is told so").isEqualTo(201);
        assertCommittedEverywhere((ledger.equals("postgres") ? "PostgreSQL" : "MariaDB")
                + " killed after prepare (restart of the database to clean)", restart);
    }

    /*
     * MariaDB as the commit-markable ledger (crossbank.xa.commit-markable-ledger=mysql): paused after PostgreSQL's
     * branch prepared and the decision was logged, before MariaDB's local commit. A killed MariaDB (or a killed
     * session) loses that local transaction, marker row included, so the commit fails and the marker row is not
     * there; Narayana, whose commit-markable record is the first to commit, then rolls the PostgreSQL branch back:
     * nothing moved, and the client is not told it did.
     */
    @ParameterizedTest(name = "MariaDB {0} before its local commit")
    @ValueSource(strings = { "server killed", "session killed" })
    void commitMarkableLedgerLostBeforeItsCommitRollsBackBothLedgers(String fault) throws Exception {
        CompletableFuture<Integer> answer = transferPausedAt(fault.startsWith("server") ? "cmr-dbkill-mysql" : "cmr-session-mysql",
                "pause-before-commit", "mysql");
        List<String> prepared = Sql.preparedBranchesOf(app.nodeName(), DATABASE);
        assertThat(Sql.countPrepared(prepared, "postgres")).as("postgres branch prepared: %s", prepared).isEqualTo(1);
        assertThat(Sql.countPrepared(prepared, "mysql")).as("mysql is no XA branch in this mode: %s", prepared).isZero();

        if (fault.startsWith("server")) {
            XaDatabases.crashMysql();
            XaDatabases.start();
        } else {
            Sql.cutMysqlSessions("crossbank", DATABASE);
        }
        long restart = System.nanoTime();
        app.releasePause();

        assertThat(answer.get(60, TimeUnit.SECONDS)).as("the transfer did not happen: the client is not told it did").isNotEqualTo(201)
                .isNotEqualTo(-1);
        Faults.awaitTrue("clean state after the lost local commit", Duration.ofSeconds(60), () -> Faults.clean(app, DATABASE));
        Faults.recordTime("MariaDB (commit-markable) " + fault + " before its local commit (rolled back; to clean)",
                Duration.ofNanos(System.nanoTime() - restart));
        assertThat(Sql.balance(from, DATABASE)).as("postgres account").isEqualByComparingTo("100.00");
        assertThat(Sql.balance(to, DATABASE)).as("mysql account").isEqualByComparingTo("0.00");
        assertThat(Sql.journalRowsOfAccount(from, DATABASE) + Sql.journalRowsOfAccount(to, DATABASE)).as("journal rows").isZero();
        Faults.assertInvariants(DATABASE, app, new BigDecimal("100.00"), List.of(from, to), List.of());
    }

    /* The XA ledger of the commit-markable mode killed after its prepare: MariaDB commits (marker row), PostgreSQL later. */
    @Test
    void xaLedgerKilledAfterPrepareInCommitMarkableModeIsCommittedWhenBack() throws Exception {
        CompletableFuture<Integer> answer = transferPausedAt("cmr-dbkill-postgres", "pause-before-commit", "mysql");
        assertThat(Sql.countPrepared(Sql.preparedBranchesOf(app.nodeName(), DATABASE), "postgres")).as("postgres branch prepared").isEqualTo(1);

        XaDatabases.crashPostgres();
        long restart = System.nanoTime();
        XaDatabases.start();
        app.releasePause();

        assertThat(answer.get(60, TimeUnit.SECONDS)).as("the decision was commit: the client is told so").isEqualTo(201);
        assertCommittedEverywhere("PostgreSQL killed after prepare, commit-markable mysql (restart of the database to clean)", restart);
    }

    /*
     * The commit-markable ledger's COMMIT reached MariaDB, its answer did not: the driver reports a broken
     * connection. Agroal reports that as "rolled back" (XAER_RMERR), and Narayana would roll the PostgreSQL branch
     * back although MariaDB's half, marker row included, has committed. The marker row says what happened.
     */
    @Test
    void commitMarkableCommitWhoseAnswerIsLostIsCommittedInBothLedgers() throws Exception {
        app = APPS.app("cmr-lost-answer").with("CROSSBANK_XA_COMMIT_MARKABLE_LEDGER", "mysql");
        Faults.deleteObjectStore(app.objectStore());
        app.withByteman("lose-cmr-commit-answer").start();
        RestAssured.port = app.port();
        from = openAccount("postgres", "100.00");
        to = openAccount("mysql", "0.00");

        int status = Faults.transferInBackground(app.port(), from, to, "10.00").get(60, TimeUnit.SECONDS);
        long lost = System.nanoTime();
        assertThat(app.logText()).contains("CRASHPOINT lose-cmr-commit-answer");
        assertThat(status).as("the transfer committed: the client is told so").isEqualTo(201);
        assertCommittedEverywhere("answer of the commit-markable commit lost (commit-markable mysql; to clean)", lost);
    }

    @Test
    void postgresSessionTerminatedAfterPrepareIsCommitted() throws Exception {
        CompletableFuture<Integer> answer = transferPausedAt("session-postgres", "pause-before-commit");
        assertBothPrepared();

        long cut = System.nanoTime();
        Sql.cutPostgresSessions("crossbank", DATABASE);
        app.releasePause();

        assertThat(answer.get(60, TimeUnit.SECONDS)).as("the decision was commit: the client is told so").isEqualTo(201);
        assertCommittedEverywhere("PostgreSQL sessions terminated after prepare", cut);
    }

    @Test
    void mysqlConnectionKilledAfterPrepareIsCommitted() throws Exception {
        CompletableFuture<Integer> answer = transferPausedAt("session-mysql", "pause-before-commit");
        assertBothPrepared();

        long cut = System.nanoTime();
        Sql.cutMysqlSessions("crossbank", DATABASE);
        app.releasePause();

        assertThat(answer.get(60, TimeUnit.SECONDS)).as("the decision was commit: the client is told so").isEqualTo(201);
        assertCommittedEverywhere("MariaDB connections killed after prepare", cut);
    }

    @Test
    void mysqlUnreachableDuringPrepareRollsBackWith503() throws Exception {
        pausedAt("down-at-prepare", "pause-before-prepare");
        CompletableFuture<Optional<Response>> answer = Faults.transferAnswerInBackground(app.port(), from, to, "10.00");
        app.awaitLog("CRASHPOINT pause-before-prepare", Duration.ofSeconds(30));

        XaDatabases.crashMysql();
        app.releasePause();
        Optional<Response> response = answer.get(60, TimeUnit.SECONDS);
        long back = System.nanoTime();
        XaDatabases.start();

        assertThat(response).as("the client hears the transfer failed").isPresent();
        // Narayana reports the failed prepare (XAER_RMFAIL) as an exception suppressed by its RollbackException:
        // the ledger's outage, not a timeout.
        assertProblem(response.get(), 503, "ledger-unavailable");
        Faults.awaitTrue("clean state after the failed prepare", Duration.ofSeconds(60), () -> Faults.clean(app, DATABASE));
        Faults.recordTime("MariaDB unreachable during prepare (rolled back; restart of MariaDB to clean)",
                Duration.ofNanos(System.nanoTime() - back));
        assertThat(Sql.balance(from, DATABASE)).isEqualByComparingTo("100.00");
        assertThat(Sql.balance(to, DATABASE)).isEqualByComparingTo("0.00");
        assertThat(Sql.journalRowsOfAccount(from, DATABASE) + Sql.journalRowsOfAccount(to, DATABASE)).isZero();
        Faults.assertInvariants(DATABASE, app, new BigDecimal("100.00"), List.of(from, to), List.of());
    }

    @Test
    void mysqlUnreachableDuringCommitIsNotReportedAsFailedAndCompletesWhenBack() throws Exception {
        CompletableFuture<Integer> answer = transferPausedAt("down-at-commit", "pause-before-commit");
        assertBothPrepared();

        XaDatabases.crashMysql();
        app.releasePause();
        int status = answer.get(60, TimeUnit.SECONDS);
        assertThat(status).as("the decision was commit: the transfer is not reported as failed").isEqualTo(201);
        assertThat(Sql.balance(from, DATABASE)).as("postgres side committed while MariaDB is down").isEqualByComparingTo("90.00");

        long back = System.nanoTime();
        XaDatabases.start();
        assertCommittedEverywhere("MariaDB unreachable during commit (restart of MariaDB to clean)", back);
    }
}
