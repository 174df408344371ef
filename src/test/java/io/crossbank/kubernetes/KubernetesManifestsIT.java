package io.crossbank.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.crossbank.CrossbankConfig;
import io.smallrye.config.WithDefault;

/**
 * The manifests {@code ./mvnw package} writes (target/kubernetes/kubernetes.json, the same as kubernetes.yml), read the
 * way the API server would take them: an integration test because they exist only after package.
 */
class KubernetesManifestsIT {

    /** Narayana refuses a longer node name (ARJUNA012138); a pod name is the set's name, a dash and the ordinal. */
    private static final int NODE_NAME_BYTES = 28;
    private static final Path GENERATED = Path.of("target", "kubernetes", "kubernetes.json");

    private static List<JsonNode> resources;
    private static JsonNode statefulSet;
    private static JsonNode container;

    @BeforeAll
    static void read() throws IOException {
        resources = new ArrayList<>();
        new ObjectMapper().readTree(GENERATED.toFile()).forEach(resources::add);
        statefulSet = only("StatefulSet");
        container = statefulSet.at("/spec/template/spec/containers/0");
    }

    @Test
    void aStatefulSetWhoseNodeNamesComeFromThePodNamesAndFitNarayana() {
        assertThat(resources.stream().map(r -> r.path("kind").asText())).as("a StatefulSet, never a Deployment")
                .doesNotContain("Deployment");
        assertThat(statefulSet.at("/spec/replicas").asInt()).as("replicas").isGreaterThanOrEqualTo(2);
        JsonNode nodeName = env("QUARKUS_TRANSACTION_MANAGER_NODE_NAME");
        assertThat(nodeName.at("/valueFrom/fieldRef/fieldPath").asText()).as("node name from the downward API").isEqualTo("metadata.name");
        String longestPodName = statefulSet.at("/metadata/name").asText() + "-999";
        assertThat(longestPodName.getBytes(StandardCharsets.UTF_8).length).as("bytes of pod name %s", longestPodName)
                .isLessThanOrEqualTo(NODE_NAME_BYTES);
        assertThat(statefulSet.at("/spec/selector/matchLabels").has("app.kubernetes.io/version"))
                .as("a version in the immutable selector would make every release a new set").isFalse();
    }

    @Test
    void eachPodHasAClaimOfItsOwnForTheFileObjectStore() {
        JsonNode claims = statefulSet.at("/spec/volumeClaimTemplates");
        assertThat(claims.size()).as("volumeClaimTemplates").isEqualTo(1);
        String claim = claims.get(0).at("/metadata/name").asText();
        JsonNode mount = mount(claim);
        String objectStore = env("QUARKUS_TRANSACTION_MANAGER_OBJECT_STORE_DIRECTORY").path("value").asText();
        assertThat(objectStore).as("the object store directory on the claim's mount").startsWith(mount.path("mountPath").asText() + "/");
        assertThat(statefulSet.at("/spec/template/spec/securityContext/fsGroup").asInt()).as("the image's user (185) may write the claim")
                .isEqualTo(185);
        for (JsonNode volume : statefulSet.at("/spec/template/spec/volumes")) {
            assertThat(volume.has("persistentVolumeClaim")).as("a claim shared by every pod: %s", volume).isFalse();
        }
    }

    @Test
    void probesOnQuarkusHealthAndAGracePeriodLongerThanPreStopAndDrain() throws NoSuchMethodException {
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        JsonNode preStop = container.at("/lifecycle/preStop/exec/command");
        assertThat(preStop.isArray()).as("a preStop hook").isTrue();
        long preStopSeconds = preStop.get(0).asText().equals("sleep") ? preStop.get(1).asLong() : 0;
        Duration drain = Duration.parse("PT" + CrossbankConfig.Drain.class.getMethod("timeout").getAnnotation(WithDefault.class).value()
                .toUpperCase());
        long grace = statefulSet.at("/spec/template/spec/terminationGracePeriodSeconds").asLong();
        assertThat(grace).as("terminationGracePeriodSeconds against preStop %d s + crossbank.drain.timeout %s + shutdown delay and "
                + "timeout (6 s)", preStopSeconds, drain).isGreaterThan(preStopSeconds + drain.toSeconds() + 6);
    }

    @Test
    void aHeadlessServiceGovernsTheSetBesideTheRegularOne() {
        String governing = statefulSet.at("/spec/serviceName").asText();
        List<JsonNode> services = all("Service");
        assertThat(services).as("services").hasSizeGreaterThanOrEqualTo(2);
        JsonNode headless = services.stream().filter(s -> s.at("/metadata/name").asText().equals(governing)).findFirst().orElseThrow();
        assertThat(headless.at("/spec/clusterIP").asText()).isEqualTo("None");
        assertThat(services.stream().filter(s -> !s.at("/spec/clusterIP").asText().equals("None"))).as("a regular Service").isNotEmpty();
        Map<String, Object> podLabels = new ObjectMapper().convertValue(statefulSet.at("/spec/template/metadata/labels"), Map.class);
        for (JsonNode service : services) {
            Map<String, Object> selector = new ObjectMapper().convertValue(service.at("/spec/selector"), Map.class);
            assertThat(podLabels).as("pods selected by Service %s", service.at("/metadata/name")).containsAllEntriesOf(selector);
        }
    }

    @Test
    void aDisruptionBudgetOfOnePodAtATime() {
        JsonNode budget = only("PodDisruptionBudget");
        assertThat(budget.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
        Map<String, Object> podLabels = new ObjectMapper().convertValue(statefulSet.at("/spec/template/metadata/labels"), Map.class);
        Map<String, Object> selector = new ObjectMapper().convertValue(budget.at("/spec/selector/matchLabels"), Map.class);
        assertThat(podLabels).containsAllEntriesOf(selector);
    }

    @Test
    void credentialsComeFromSecretsAndResourcesAreRequested() {
        for (JsonNode env : container.path("env")) {
            String name = env.path("name").asText();
            if (name.contains("PASSWORD") || name.contains("USERNAME")) {
                assertThat(env.has("value")).as("%s written into the manifest", name).isFalse();
                assertThat(env.at("/valueFrom/secretKeyRef/name").asText()).as("the Secret of %s", name).isNotBlank();
            }
        }
        assertThat(container.path("env").findValuesAsText("name")).contains("QUARKUS_DATASOURCE_POSTGRES_PASSWORD",
                "QUARKUS_DATASOURCE_MYSQL_PASSWORD", "RABBITMQ_PASSWORD", "CROSSBANK_OPS_PASSWORD");
        assertThat(container.at("/resources/requests/cpu").asText()).isNotBlank();
        assertThat(container.at("/resources/requests/memory").asText()).isNotBlank();
    }

    @Test
    void theKustomizationsRender() throws Exception {
        assumeTrue(kubectl(), "kubectl is not installed");
        String base = kustomize("target/kubernetes");
        assertThat(base).contains("volumeClaimTemplates");
        String claims = base.substring(base.indexOf("volumeClaimTemplates"));
        assertThat(claims.substring(0, claims.indexOf("spec:"))).as("version stamps on the immutable claim template")
                .doesNotContain("app.kubernetes.io/version").doesNotContain("quarkus-version");
        String jdbc = kustomize("src/main/kubernetes/jdbc-store");
        assertThat(jdbc).as("the JDBC object store variant").doesNotContain("volumeClaimTemplates").doesNotContain("tx-log")
                .contains("QUARKUS_TRANSACTION_MANAGER_OBJECT_STORE_TYPE").contains("CROSSBANK_TXLOG_ENABLED");
        String guard = kustomize("src/main/kubernetes/scale-guard");
        assertThat(guard).as("the scale guard variant: its switch, a service account and a Role on the set's scale only")
                .contains("CROSSBANK_NODES_SCALE_GUARD_ENABLED").contains("serviceAccountName: crossbank")
                .contains("statefulsets/scale").doesNotContain("- statefulsets\n").contains("volumeClaimTemplates");
    }

    private static boolean kubectl() {
        try {
            return new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start().waitFor(20, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String kustomize(String folder) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("kubectl", "kustomize", folder).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("kubectl kustomize %s: %s", folder, output).isZero();
        return output;
    }

    private static JsonNode only(String kind) {
        List<JsonNode> found = all(kind);
        assertThat(found).as("resources of kind %s in %s", kind, GENERATED).hasSize(1);
        return found.get(0);
    }

    private static List<JsonNode> all(String kind) {
        return resources.stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
    }

    private static JsonNode env(String name) {
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals(name)) {
                return env;
            }
        }
        throw new AssertionError("no env " + name + " in the StatefulSet's container");
    }

    private static JsonNode mount(String volume) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("name").asText().equals(volume)) {
                return mount;
            }
        }
        throw new AssertionError("claim template " + volume + " mounted nowhere in the container");
    }
}
