package io.crossbank.ops.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.HashMap;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * The scale guard against fabric8's mock Kubernetes API server in CRUD mode: it keeps what is created and serves the
 * StatefulSet's scale subresource as the API server does.
 */
class ScaleGuardTest {

    private static final String NAMESPACE = "bank";

    private static final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
            new KubernetesCrudDispatcher(), false);
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        server.init();
        // On the JDK's HTTP client: the default (Vert.x) one is kept off the test class path.
        client = server.createClient(new JdkHttpClientFactory());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.destroy();
    }

    private ScaleGuard guard;

    @BeforeEach
    void aSetScaledDownToTwo() {
        client.apps().statefulSets().inNamespace(NAMESPACE).resource(set("crossbank", 2)).createOr(existing -> existing.update());
        guard = new ScaleGuard(new ScaleGuard.Settings(URI.create(server.url("/")), NAMESPACE, "crossbank", Optional.of("token"),
                Optional.empty()));
    }

    @Test
    void aDepartedPodWithBranchesIsBroughtBackByScalingUpToIt() throws InterruptedException {
        Optional<ScaleGuard.Action> action = guard.bringBack("crossbank-3");

        assertThat(server.getLastRequest().getHeader("Authorization")).as("the guard's PATCH, with its token").isEqualTo("Bearer token");
        assertThat(replicas()).as("replicas once crossbank-3 must exist again").isEqualTo(4);
        assertThat(action).get().satisfies(a -> {
            assertThat(a.from()).as(a.detail()).isEqualTo(2);
            assertThat(a.to()).isEqualTo(4);
            assertThat(a.detail()).contains("crossbank-3");
        });
    }

    @Test
    void aPodTheSetStillHasIsLeftToItsOwnRestart() {
        Optional<ScaleGuard.Action> action = guard.bringBack("crossbank-1");

        assertThat(replicas()).isEqualTo(2);
        assertThat(action).get().satisfies(a -> assertThat(a.to()).isNull());
    }

    @Test
    void aNodeNameThatIsNoPodOfTheSetIsIgnored() {
        assertThat(guard.bringBack("other-5")).isEmpty();
        assertThat(guard.bringBack("crossbank-dev")).isEmpty();
        assertThat(replicas()).isEqualTo(2);
    }

    @Test
    void aMissingSetIsReportedNotThrown() {
        ScaleGuard elsewhere = new ScaleGuard(new ScaleGuard.Settings(URI.create(server.url("/")), "nowhere", "crossbank",
                Optional.empty(), Optional.empty()));

        assertThat(elsewhere.bringBack("crossbank-3")).get().satisfies(a -> assertThat(a.detail()).contains("404"));
    }

    @Test
    void theSetIsThePodNameWithoutItsOrdinal() {
        assertThat(ScaleGuard.setOf("crossbank-12")).contains("crossbank");
        assertThat(ScaleGuard.setOf("my-bank-0")).contains("my-bank");
        assertThat(ScaleGuard.setOf("crossbank")).isEmpty();
    }

    private int replicas() {
        return client.apps().statefulSets().inNamespace(NAMESPACE).withName("crossbank").get().getSpec().getReplicas();
    }

    private static StatefulSet set(String name, int replicas) {
        return new StatefulSetBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().withReplicas(replicas).withServiceName(name + "-headless")
                .withNewSelector().addToMatchLabels("app.kubernetes.io/name", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app.kubernetes.io/name", name).endMetadata()
                .withNewSpec().addNewContainer().withName(name).withImage("crossbank/crossbank").endContainer().endSpec()
                .endTemplate().endSpec().build();
    }
}
