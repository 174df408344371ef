package io.crossbank.ops;

import static io.crossbank.support.Api.openAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.arjuna.ats.arjuna.common.Uid;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.crossbank.ops.indoubt.BranchXid;
import io.crossbank.support.AppProcess;
import io.crossbank.support.PackagedApps;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/**
 * The operators' console in a real browser: Debian's chromium, headless, driven by playwright-core
 * (src/test/browser/console-check.mjs) against the packaged app, with real prepared branches in both databases: an
 * orphan of the app's own node and two branches of another node, and a saga held in its step 2. One app start and one browser run serve every check;
 * each test below asserts one of the script's checks, then what the databases hold. Screenshots: target/console/*.png.
 * Needs chromium (apt-get install chromium) and npm; -Dcrossbank.browser.skip=true skips it.
 */
class ConsoleBrowserIT {

    private static final String DATABASE = "crossbank_it_console";
    private static final String NODE = "console-it";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final PackagedApps APPS = PackagedApps.on(DATABASE);

    private static final Map<String, JsonNode> checks = new LinkedHashMap<>();
    private static RealBranches branches;
    private static BranchXid orphan;
    private static BranchXid foreignMysql;
    private static BranchXid foreignPostgres;
    private static String output;
    private static String saga;

    @BeforeAll
    static void runTheBrowserChecks() throws Exception {
        Assumptions.assumeFalse(Boolean.getBoolean("crossbank.browser.skip"), "-Dcrossbank.browser.skip=true");
        Path chromium = Path.of(System.getProperty("crossbank.browser.chromium", "/usr/bin/chromium"));
        assertThat(Files.isExecutable(chromium)).as("The console's browser test needs chromium at %s: apt-get install chromium (Debian), "
                + "or name another binary with -Dcrossbank.browser.chromium=..., or skip the test with -Dcrossbank.browser.skip=true.",
                chromium).isTrue();
        Path dir = Path.of(System.getProperty("crossbank.browser.dir", "target/browser"));
        assertThat(dir.resolve("node_modules/playwright-core")).as("playwright-core is installed by the build (src/test/browser/install.sh, "
                + "phase pre-integration-test); run it through ./mvnw verify").isDirectory();

        // The first saga stops in its step 2 (a Byteman rule), after its debit: a pending saga with its lease, for the
        // page to list. Recovery runs only when asked (period 10 min): the orphan stays until the page's recovery pass. One pass is
        // enough for it, its safety interval being shorter than the pause between the pass's two phases. The age
        // threshold is short so that another node's branch may be decided by hand within the test.
        AppProcess app = APPS.app(NODE).withByteman("saga-pause-in-credit").with("CROSSBANK_RECOVERY_PERIOD", "10m").with("CROSSBANK_RECOVERY_ORPHAN_SAFETY_INTERVAL", "500ms")
                .with("CROSSBANK_IN_DOUBT_MAX_AGE", "2s").with("CROSSBANK_IN_DOUBT_SCAN_INTERVAL", "1s")
                .with("CROSSBANK_OPS_VIEWER_PASSWORD", "viewer")
                .with("QUARKUS_SECURITY_USERS_EMBEDDED_USERS_STRANGER", "stranger").with("CROSSBANK_OPS_PASSWORD", "ops");
        app.start();
        RestAssured.port = app.port();
        // One account per branch: a prepared branch keeps its row locked until it is decided.
        branches = new RealBranches(DATABASE);
        orphan = branches.preparePostgres(RealBranches.ofNode(NODE, new Uid()), openAccount("postgres", "10.00"));
        foreignMysql = branches.prepareMysql(RealBranches.ofNode(RealBranches.FOREIGN_NODE, new Uid()), openAccount("mysql", "10.00"));
        foreignPostgres = branches.preparePostgres(RealBranches.ofNode(RealBranches.FOREIGN_NODE, new Uid()), openAccount("postgres", "10.00"));
        saga = given().contentType(ContentType.JSON).header("Prefer", "wait=0").body("{\"from\":\"" + openAccount("postgres", "20.00")
                + "\",\"to\":\"" + openAccount("mysql", "0.00") + "\",\"amount\":\"12.34\",\"mode\":\"saga\"}").post("/transfers")
                .then().statusCode(202).extract().path("id");
        app.awaitLog("CRASHPOINT saga-pause-in-credit", Duration.ofSeconds(30));
        JsonNode scan = await("the three branches past the age threshold").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(ConsoleBrowserIT::scan, s -> s.path("branches").size() == 3
                        && List.copyOf(s.findValuesAsText("ageSeconds")).stream().allMatch(age -> Long.parseLong(age) >= 3));

        Path shots = Path.of("target", "console").toAbsolutePath();
        ProcessBuilder node = new ProcessBuilder("node", "console-check.mjs").directory(dir.toFile()).redirectErrorStream(true);
        node.environment().putAll(Map.of("CONSOLE_URL", "http://127.0.0.1:" + app.port(), "CHROMIUM", chromium.toString(),
                "CONSOLE_SCREENSHOTS", shots.toString(), "NODE_NAME", NODE, "ORPHAN_UID", uid(scan, orphan),
                "FOREIGN_MYSQL_UID", uid(scan, foreignMysql), "FOREIGN_POSTGRES_UID", uid(scan, foreignPostgres),
                "FOREIGN_POSTGRES_ID", id(scan, foreignPostgres), "SAGA_ID", saga));
        Process run = node.start();
        byte[] out = run.getInputStream().readAllBytes();
        assertThat(run.waitFor(120, TimeUnit.SECONDS)).as("the browser checks end within 2 minutes").isTrue();
        output = new String(out, StandardCharsets.UTF_8);
        Files.createDirectories(shots);
        Files.writeString(shots.resolve("console-check.log"), output);
        for (String line : output.lines().toList()) {
            if (line.startsWith("CONSOLE-CHECK ")) {
                JsonNode check = JSON.readTree(line.substring("CONSOLE-CHECK ".length()));
                checks.put(check.path("name").asText(), check);
            }
        }
        assertThat(run.exitValue()).as("node console-check.mjs exits 0:%n%s", output).isZero();
    }

    @AfterAll
    static void rollBackWhatIsLeft() {
        if (branches != null) {
            branches.close();
        }
    }

    @Test
    void thePageListsTheBranchesOfBothLedgersOldestFirstWithTheHeader() {
        assertPassed("lists-branches");
    }

    @Test
    void theViewerSeesTheListButNoActionButton() {
        assertPassed("viewer-sees-no-actions");
    }

    @Test
    void thePageFitsAPhoneAndTheKeyboardReachesIt() {
        assertPassed("readable-on-a-phone");
        assertPassed("keyboard");
    }

    @Test
    void aDryRunShowsItsVerdictAndOnlyTheConfirmationActs() {
        assertPassed("dry-run-then-confirm");
        assertThat(RealBranches.isPrepared("mysql", foreignMysql)).as("the branch rolled back through the page is gone from MariaDB").isFalse();
        assertThat(OpsAuditRows.of("mysql", foreignMysql.id(), DATABASE)).as("ops_audit of the mysql branch")
                .containsExactly("ops ROLLBACK dryRun=true DRY_RUN FOREIGN_NODE node=" + NODE,
                        "ops ROLLBACK dryRun=false ROLLED_BACK FOREIGN_NODE node=" + NODE);
    }

    @Test
    void aRefusedActionShowsWhyAndChangesNothing() {
        assertPassed("refused-action-shows-why");
        assertThat(OpsAuditRows.of("postgres", orphan.id(), DATABASE)).as("ops_audit of the orphan")
                .containsExactly("ops COMMIT dryRun=true REFUSED ORPHAN node=" + NODE);
    }

    @Test
    void theOpenPageDropsABranchResolvedElsewhere() {
        assertPassed("refreshes-itself");
        assertThat(RealBranches.isPrepared("postgres", foreignPostgres)).isFalse();
    }

    @Test
    void aRecoveryPassFromThePageClearsTheOrphan() {
        assertPassed("recovery-pass-clears-the-orphan");
        assertThat(RealBranches.isPrepared("postgres", orphan)).as("the orphan is rolled back in PostgreSQL").isFalse();
        assertThat(scan().path("branches").size()).as("nothing left in doubt").isZero();
    }

    @Test
    void aPendingSagaIsListedWithItsStepsAndItsReDriveDryRunChangesNothing() {
        assertPassed("saga-listed-and-dry-run");
        assertThat(given().get("/transfers/" + saga).<String>path("status")).isEqualTo("PENDING");
    }

    @Test
    void theScriptRunsUnderTheContentSecurityPolicyWithoutErrors() {
        assertPassed("no-script-errors");
    }

    @Test
    void aStrangerIsRefused() {
        assertPassed("stranger-refused");
    }

    private static void assertPassed(String name) {
        JsonNode check = checks.get(name);
        assertThat(check).as("the browser run reported check %s:%n%s", name, output).isNotNull();
        assertThat(check.path("ok").asBoolean()).as("browser check %s: %s", name, check.path("detail").asText()).isTrue();
        assertThat(Path.of("target", "console")).isDirectory();
    }

    private static JsonNode scan() {
        try {
            return JSON.readTree(given().auth().preemptive().basic("ops", "ops").get("/ops/in-doubt").then().statusCode(200).extract().asString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode branch(JsonNode scan, BranchXid xid) {
        for (JsonNode branch : scan.path("branches")) {
            if (branch.path("globalTransactionId").asText().equalsIgnoreCase(xid.gtridHex())) {
                return branch;
            }
        }
        throw new AssertionError("no branch " + xid + " in " + scan);
    }

    private static String uid(JsonNode scan, BranchXid xid) {
        return branch(scan, xid).path("transactionUid").asText();
    }

    private static String id(JsonNode scan, BranchXid xid) {
        return branch(scan, xid).path("id").asText();
    }
}
