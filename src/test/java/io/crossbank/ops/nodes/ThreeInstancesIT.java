package io.crossbank.ops.nodes;

import static io.crossbank.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.arjuna.ats.arjuna.common.Uid;

import io.crossbank.ops.indoubt.BranchXid;
import io.crossbank.support.AppProcess;
import io.crossbank.support.Faults;
import io.crossbank.support.PackagedApps;
import io.crossbank.support.Sql;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * Three instances named like a StatefulSet's pods, crossbank-0..2, on the same databases, each with its log in its own
 * table of the JDBC object store (prefix derived from the node name): the Kubernetes variant without volumes. They are
 * shared by the tests, in order: crossbank-2 is stopped with SIGTERM under load, crossbank-0 (started with a Byteman rule)
 * halts mid-load with a decision logged and is not restarted, crossbank-1 adopts it and is finally drained by hand.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeInstancesIT {

    private static final String DATABASE = "crossbank_it_nodes";
    private static final String APP_USER = "crossbank";
    /** Narayana's format id (XATxConverter.FORMAT_ID). */
    private static final int NARAYANA_FORMAT = 131077;
    private static final Pattern DRAINED = Pattern.compile("Drained node crossbank-2 in (\\d+) ms");
    private static final Pattern DRAINING = Pattern.compile("Draining node crossbank-2 \\(SIGTERM\\): .*?, (\\d+) in flight");
    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);

    static AppProcess crossbank0;
    static AppProcess crossbank1;
    static AppProcess crossbank2;
    static final List<String> accounts = new ArrayList<>();

    @BeforeAll
    static void startThreeInstances() {
        crossbank0 = jdbcStore(APPS.app("crossbank-0")).withByteman("crash-after-decision");
        crossbank1 = jdbcStore(APPS.app("crossbank-1"));
        crossbank2 = jdbcStore(APPS.app("crossbank-2"));
        // One by one would take three times as long; they do not depend on each other (Flyway locks its migration).
        CompletableFuture.allOf(Stream.of(crossbank0, crossbank1, crossbank2)
                .map(app -> CompletableFuture.runAsync(app::start)).toArray(CompletableFuture[]::new)).join();
    }

    /* Other ITs check both servers for prepared branches: a failure here must not leave them this class's. */
    @AfterAll
    static void leaveNoBranchBehind() {
        Stream.of(crossbank0, crossbank1, crossbank2).filter(Objects::nonNull).forEach(AppProcess::kill);
        Sql.rollBackLeftoverBranches(DATABASE);
    }

    @Test
    @Order(1)
    void sigtermUnderLoadDrainsAndLeavesNothingOfItsOwn() throws Exception {
        List<String[]> pairs = new ArrayList<>(pairs(crossbank1, 4));
        String[] sagaPair = pairs.remove(3);
        pairs.add(new String[] { sagaPair[0], sagaPair[1], "saga" });
        List<String> acknowledged;
        Map<String, Integer> answers;
        List<String> cutKeys;
        long signalled;
        long exited;
        // What a crash of crossbank-2 between its prepare and its log write would have left: a branch in each ledger,
        // no decision. Its drain must roll them back (presumed abort) through recovery passes before it exits.
        List<String[]> orphanAccounts = pairs(crossbank1, 1);
        BranchXid orphan = orphanOf("crossbank-2", orphanAccounts.get(0));
        try (TransferLoad load = TransferLoad.start(List.of(crossbank2.port(), crossbank1.port()), pairs)) {
            Faults.awaitTrue("transfers under load", Duration.ofSeconds(60), () -> load.acknowledged().size() >= 40);
            // Its own transfers under way are prepared too, now and then: the orphans are among its branches.
            assertThat(Sql.preparedBranchesOf("crossbank-2", DATABASE)).as("crossbank-2's orphans, before its drain")
                    .contains("postgres " + orphan.postgresGid(), "mysql " + orphan.id());
            signalled = System.nanoTime();
            crossbank2.signal("TERM");
            crossbank2.awaitExit(Duration.ofSeconds(60));
            exited = System.nanoTime();
            int before = load.acknowledged().size();
            Faults.awaitTrue("the load going on on crossbank-1", Duration.ofSeconds(30), () -> load.acknowledged().size() >= before + 20);
            load.close();
            acknowledged = load.acknowledged();
            answers = load.answers();
            cutKeys = load.cutKeys();
        }

        String log = crossbank2.logText();
        Matcher drained = DRAINED.matcher(log);
        assertThat(drained.find()).as("crossbank-2 logs a complete drain (see %s)", crossbank2.log()).isTrue();
        Matcher draining = DRAINING.matcher(log);
        assertThat(draining.find()).as("crossbank-2 logs the start of its drain").isTrue();
        assertThat(answers.keySet()).as("what the clients got (%s): 201, 503 draining, refused or cut once crossbank-2 stops "
                + "listening; never a 5xx failure", answers).isSubsetOf(answersAllowedAroundADrain(answers));
        // A request cut as the listener closed reached no transfer: every admitted one was answered before the drain ended.
        assertThat(cutKeys.stream().filter(key -> idempotencyKeys(key) > 0).toList())
                .as("requests cut by the stop whose transfer happened nevertheless").isEmpty();
        assertThat(answers.get("503 urn:crossbank:problem:draining")).as("transfers refused while crossbank-2 drained").isPositive();
        assertThat(Sql.preparedBranchesOf("crossbank-2", DATABASE)).as("prepared branches of crossbank-2 after its drain").isEmpty();
        assertThat(logRecords("crossbank_2_")).as("decision records left in crossbank-2's JDBC object store table").isZero();
        assertThat(leaseRows("crossbank-2")).as("crossbank-2's lease: deleted, nothing of it being left").isZero();
        // Sagas crossbank-2 had not finished were handed back (lease released) and crossbank-1 finishes them.
        Faults.awaitTrue("no saga left pending", Duration.ofSeconds(30), () -> Sql.pendingTransfers(DATABASE) == 0);
        assertThat(answers.getOrDefault("saga 201", 0) + answers.getOrDefault("saga 202", 0)).as("sagas in the load").isPositive();

        assertThat(log).as("the drain's recovery passes").containsPattern("Drained node crossbank-2 in \\d+ ms \\([1-9]\\d* recovery pass");
        assertThat(Sql.balance(orphanAccounts.get(0)[0], DATABASE)).as("the orphan's credit in postgres, rolled back")
                .isEqualByComparingTo("100.00");
        assertThat(Sql.balance(orphanAccounts.get(0)[1], DATABASE)).as("the orphan's credit in mysql, rolled back").isZero();
        assertThat(orphan.id()).isNotBlank();
        long drainMillis = Long.parseLong(drained.group(1));
        Faults.recordTime("SIGTERM under load (4 clients, " + draining.group(1) + " transfer(s) in flight, 2 orphans of its own): drain, as logged",
                Duration.ofMillis(drainMillis));
        Faults.recordTime("SIGTERM under load (4 clients): signal to process exit", Duration.ofNanos(exited - signalled));
        assertThat(Duration.ofMillis(drainMillis)).as("the drain within crossbank.drain.timeout").isLessThan(Duration.ofSeconds(30));
        Faults.assertInvariants(DATABASE, crossbank1, total(), accounts, acknowledged);
    }

    @Test
    @Order(2)
    void aHaltedInstancesBranchesAreAdoptedByALiveOne() throws Exception {
        List<String[]> pairs = pairs(crossbank1, 3);
        // crossbank-1, and crossbank-2 too should the first test have left it running: whoever adopts, it is counted.
        List<AppProcess> adopters = Stream.of(crossbank1, crossbank2).filter(AppProcess::isAlive).toList();
        double committedBefore = metric(adopters, "crossbank_adopted_branches_total{outcome=\"committed\"}");
        double rolledBackBefore = metric(adopters, "crossbank_adopted_branches_total{outcome=\"rolled_back\"}");
        // Undecided work of crossbank-0 as well (prepared, never logged): the adoption must roll it back (presumed abort).
        List<String[]> orphanAccounts = pairs(crossbank1, 1);
        orphanOf("crossbank-0", orphanAccounts.get(0));
        try (TransferLoad load = TransferLoad.start(List.of(crossbank0.port()), pairs)) {
            // The rule halts crossbank-0 at its first commit decision, with the other clients' transfers under way.
            crossbank0.awaitExit(Duration.ofSeconds(60));
        }
        long halted = System.nanoTime();
        assertThat(crossbank0.logText()).contains("CRASHPOINT crash-after-decision");
        List<String> stranded = Sql.preparedBranchesOf("crossbank-0", DATABASE);
        int records = logRecords("crossbank_0_");
        assertThat(stranded).as("branches crossbank-0 left prepared").hasSizeGreaterThanOrEqualTo(2);
        assertThat(records).as("the decision crossbank-0 logged before it halted").isGreaterThanOrEqualTo(1);

        Faults.awaitTrue("crossbank-1 adopting crossbank-0", Duration.ofSeconds(60),
                () -> Sql.preparedBranchesOf("crossbank-0", DATABASE).isEmpty() && logRecords("crossbank_0_") == 0);
        Duration adoption = Duration.ofNanos(System.nanoTime() - halted);
        Faults.recordTime("JVM halted after the decision, JDBC object store, not restarted (" + stranded.size() + " branches, "
                + records + " record(s)): adopted by another instance, halt to clean", adoption);

        // The decided transaction committed in both ledgers, the others were rolled back in both: no transfer half-applied.
        assertThat(Sql.journalRowsPerTransfer("mysql", DATABASE)).as("journal rows per transfer, mysql against postgres")
                .isEqualTo(Sql.journalRowsPerTransfer("postgres", DATABASE));
        assertThat(metric(adopters, "crossbank_adopted_branches_total{outcome=\"committed\"}") - committedBefore)
                .as("branches adopted and committed for crossbank-0").isGreaterThanOrEqualTo(2);
        assertThat(metric(adopters, "crossbank_adopted_branches_total{outcome=\"rolled_back\"}") - rolledBackBefore)
                .as("branches adopted and rolled back for crossbank-0: at least its two orphans").isGreaterThanOrEqualTo(2);
        assertThat(Sql.balance(orphanAccounts.get(0)[0], DATABASE)).as("the orphan's credit in postgres, rolled back")
                .isEqualByComparingTo("100.00");
        assertThat(Sql.balance(orphanAccounts.get(0)[1], DATABASE)).as("the orphan's credit in mysql, rolled back").isZero();
        assertThat(adoptionAudits()).as("ops_audit rows of the adoption in both ledgers").isEqualTo(stranded.size());
        List<String> adopted = new ArrayList<>();
        for (AppProcess adopter : adopters) {
            Response nodes = RestAssured.given().port(adopter.port()).auth().preemptive().basic("ops", "ops").get("/ops/nodes");
            assertThat(nodes.statusCode()).isEqualTo(200);
            adopted.addAll(nodes.jsonPath().getList("adoptions.node", String.class));
            assertThat(nodes.jsonPath().getList("departed.node", String.class)).as("departed nodes once adopted").doesNotContain("crossbank-0");
        }
        assertThat(adopted).as("adoptions in GET /ops/nodes").contains("crossbank-0");
        assertThat(leaseRows("crossbank-0")).as("crossbank-0's lease, forgotten once nothing of it is left").isZero();
        Faults.assertInvariants(DATABASE, crossbank1, total(), accounts, List.of());
    }

    @Test
    @Order(3)
    void postOpsDrainRefusesTransfersReportsNotReadyAndIsAudited() {
        RestAssured.port = crossbank1.port();
        Response drain = RestAssured.given().auth().preemptive().basic("ops", "ops").post("/ops/drain");
        assertThat(drain.statusCode()).as(drain.asString()).isEqualTo(200);
        assertThat(drain.<Boolean>path("complete")).as(drain.asString()).isTrue();
        assertThat(drain.<String>path("state")).isEqualTo("DRAINED");

        Response refused = RestAssured.given().contentType("application/json")
                .body(Map.of("from", accounts.get(0), "to", accounts.get(1), "amount", "0.01")).post("/transfers");
        assertThat(assertProblem(refused, 503, "draining")).contains("crossbank-1");
        assertThat(refused.header("Retry-After")).isNotBlank();
        Response ready = RestAssured.get("/q/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.jsonPath().getString("checks.find { it.name == 'drain' }.status")).isEqualTo("DOWN");
        assertThat(RestAssured.given().auth().preemptive().basic("ops", "ops").get("/ops/nodes").<String>path("state"))
                .isEqualTo("DRAINED");
        assertThat(drainAudits("crossbank-1")).as("the drain in ops_audit").isEqualTo(1);
    }

    private static Stream<String> allowed() {
        return Stream.of("201", "saga 201", "saga 202", "503 urn:crossbank:problem:draining", "refused", "cut");
    }

    private static String[] answersAllowedAroundADrain(Map<String, Integer> answers) {
        // Quarkus's own plain 503 for a request arriving after the drain, while open requests finish (quarkus.shutdown.timeout).
        return Stream.concat(allowed(), answers.keySet().stream().filter(key -> key.equals("503 ")))
                .toArray(String[]::new);
    }

    /** Cross-ledger pairs of fresh accounts, 100.00 each in postgres, one per client thread. */
    private static List<String[]> pairs(AppProcess via, int count) {
        RestAssured.port = via.port();
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String from = io.crossbank.support.Api.openAccount("postgres", "100.00");
            String to = io.crossbank.support.Api.openAccount("mysql", "0.00");
            accounts.add(from);
            accounts.add(to);
            pairs.add(new String[] { from, to });
        }
        return pairs;
    }

    /** A prepared branch in each ledger with a Narayana Xid of this node name, crediting 1.00 to each account, no log record. */
    private static BranchXid orphanOf(String nodeName, String[] accounts) throws SQLException {
        // Narayana's layout (XATxConverter): gtrid = transaction Uid + node name, bqual = branch Uid + 8 bytes. Built by hand:
        // XidImple would start a transaction status manager in this JVM, writing an ObjectStore into the working directory.
        byte[] uid = new Uid().getBytes();
        byte[] node = nodeName.getBytes(StandardCharsets.UTF_8);
        byte[] gtrid = Arrays.copyOf(uid, uid.length + node.length);
        System.arraycopy(node, 0, gtrid, uid.length, node.length);
        byte[] bqual = Arrays.copyOf(new Uid().getBytes(), uid.length + 8);
        BranchXid xid = new BranchXid(NARAYANA_FORMAT, gtrid, bqual);
        // As the application's login: PostgreSQL lets only the preparing user (or a superuser) finish a prepared transaction.
        try (Connection c = DriverManager.getConnection(Sql.postgresUrl(DATABASE), APP_USER, APP_USER)) {
            c.setAutoCommit(false);
            credit(c, accounts[0]);
            try (Statement s = c.createStatement()) {
                s.execute("PREPARE TRANSACTION '" + xid.postgresGid() + "'");
            }
        }
        try (Connection c = DriverManager.getConnection(Sql.mysqlUrl(DATABASE), APP_USER, APP_USER); Statement s = c.createStatement()) {
            s.execute("XA START " + xid.mysqlXid());
            credit(c, accounts[1]);
            s.execute("XA END " + xid.mysqlXid());
            s.execute("XA PREPARE " + xid.mysqlXid());
        }
        return xid;
    }

    private static void credit(Connection c, String account) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE account SET balance = balance + 1 WHERE id = ?")) {
            s.setString(1, account);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

    private static BigDecimal total() {
        return new BigDecimal("50.00").multiply(BigDecimal.valueOf(accounts.size()));
    }

    private static AppProcess jdbcStore(AppProcess app) {
        return app.with("CROSSBANK_OPS_PASSWORD", "ops")
                .with("CROSSBANK_TXLOG_ENABLED", "true")
                .with("QUARKUS_TRANSACTION_MANAGER_OBJECT_STORE_TYPE", "jdbc")
                .with("QUARKUS_TRANSACTION_MANAGER_OBJECT_STORE_DATASOURCE", "txlog")
                // No table prefix: derived from the node name, as in the StatefulSet (crossbank_0_jbosststxtable).
                // Shorter than the defaults (20 s, 5 s), so that the adoption is measured in seconds here.
                .with("CROSSBANK_NODES_LEASE", "4s")
                .with("CROSSBANK_NODES_RENEW_PERIOD", "1s");
    }

    /** A series summed over these instances' /q/metrics. */
    private static double metric(List<AppProcess> apps, String series) {
        double sum = 0;
        for (AppProcess app : apps) {
            String metrics = RestAssured.given().port(app.port()).get("/q/metrics").then().statusCode(200).extract().asString();
            sum += metrics.lines().filter(line -> line.startsWith(series))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
        }
        return sum;
    }

    private static int logRecords(String prefix) {
        return count("SELECT count(*) FROM " + prefix + "jbosststxtable WHERE typename LIKE '%AtomicAction'", null);
    }

    private static int idempotencyKeys(String key) {
        return count("SELECT count(*) FROM idempotency_key WHERE idem_key = ?", key);
    }

    private static int leaseRows(String node) {
        return count("SELECT count(*) FROM node_lease WHERE node_name = ?", node);
    }

    private static int drainAudits(String node) {
        return count("SELECT count(*) FROM ops_audit WHERE action = 'DRAIN' AND branch_id = ? AND outcome = 'DRAINED'", node);
    }

    private static int adoptionAudits() {
        String sql = "SELECT count(*) FROM ops_audit WHERE principal LIKE 'adoption by crossbank-%' AND outcome IN ('COMMITTED', 'ROLLED_BACK')";
        int postgres = count(sql, null);
        try (Connection c = Sql.mysql(DATABASE); PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return postgres + rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int count(String sql, String parameter) {
        try (Connection c = Sql.postgres(DATABASE); PreparedStatement s = c.prepareStatement(sql)) {
            if (parameter != null) {
                s.setString(1, parameter);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // the node never created its table
            }
            throw new IllegalStateException(e);
        }
    }
}
