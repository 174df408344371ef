package io.crossbank.ops.nodes;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.logging.Log;

/**
 * With the file object store, a departed pod's branches wait for that pod: its log is on its own volume. This guard
 * (off by default; it needs a Role allowing get and patch on {@code statefulsets/scale}) scales the StatefulSet back up
 * until the departed pod exists again, through the scale subresource of the Kubernetes API, with the pod's service
 * account token. The returning pod recovers its own branches; scaling down again is the operator's call.
 */
public final class ScaleGuard {

    private static final Pattern POD = Pattern.compile("(.+)-(\\d{1,9})");
    private static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

    /** What one look at a departed node did: null {@code from}/{@code to} when nothing had to change. */
    public record Action(Instant at, String node, String statefulSet, Integer from, Integer to, String detail) {
    }

    /**
     * @param apiUrl      the API server, https://kubernetes.default.svc in a pod
     * @param statefulSet the set whose pods the node names are (crossbank for crossbank-0, crossbank-1, ...)
     * @param token       the bearer token, empty for none (a test's mock server)
     */
    record Settings(URI apiUrl, String namespace, String statefulSet, Optional<String> token, Optional<Path> caCertificate) {
    }

    private final Settings settings;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    ScaleGuard(Settings settings) {
        this.settings = settings;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
        settings.caCertificate().filter(Files::exists).ifPresent(ca -> builder.sslContext(trusting(ca)));
        this.http = builder.build();
    }

    /** The settings inside a pod: its service account's token, CA and namespace, its own name for the set's. */
    static Settings inPod(String podName, Optional<String> statefulSet, Optional<String> namespace, URI apiUrl) throws IOException {
        String set = statefulSet.or(() -> setOf(podName)).orElseThrow(() -> new IOException(
                "node name " + podName + " is not a StatefulSet pod's name; set crossbank.nodes.scale-guard.stateful-set"));
        String ns = namespace.isPresent() ? namespace.get() : Files.readString(SERVICE_ACCOUNT.resolve("namespace")).trim();
        return new Settings(apiUrl, ns, set, Optional.of(Files.readString(SERVICE_ACCOUNT.resolve("token")).trim()),
                Optional.of(SERVICE_ACCOUNT.resolve("ca.crt")));
    }

    static Optional<String> setOf(String podName) {
        Matcher pod = POD.matcher(podName);
        return pod.matches() ? Optional.of(pod.group(1)) : Optional.empty();
    }

    /** Scales the set up so that the departed node's pod exists again, if the node is one of the set's pods. */
    Optional<Action> bringBack(String departedNode) {
        Matcher pod = POD.matcher(departedNode);
        if (!pod.matches() || !pod.group(1).equals(settings.statefulSet())) {
            return Optional.empty();
        }
        int wanted = Integer.parseInt(pod.group(2)) + 1;
        URI scale = settings.apiUrl().resolve("/apis/apps/v1/namespaces/" + settings.namespace() + "/statefulsets/"
                + settings.statefulSet() + "/scale");
        try {
            HttpResponse<String> current = http.send(request(scale).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (current.statusCode() / 100 != 2) {
                return Optional.of(failed(departedNode, "GET " + scale + " answered " + current.statusCode() + ": " + current.body()));
            }
            int replicas = json.readTree(current.body()).at("/spec/replicas").asInt();
            if (replicas >= wanted) {
                return Optional.of(new Action(Instant.now(), departedNode, settings.statefulSet(), null, null, "the set has "
                        + replicas + " replicas: pod " + departedNode + " is (being) recreated and recovers its own branches"));
            }
            String patch = "{\"spec\":{\"replicas\":" + wanted + "}}";
            HttpResponse<String> patched = http.send(request(scale).header("Content-Type", "application/merge-patch+json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(patch)).build(), HttpResponse.BodyHandlers.ofString());
            if (patched.statusCode() / 100 != 2) {
                return Optional.of(failed(departedNode, "PATCH " + scale + " answered " + patched.statusCode() + ": " + patched.body()));
            }
            JsonNode after = json.readTree(patched.body());
            Log.warnf("Scaled StatefulSet %s from %d to %d replicas: departed node %s left prepared branches that only it can "
                    + "recover (file object store)", settings.statefulSet(), replicas, after.at("/spec/replicas").asInt(), departedNode);
            return Optional.of(new Action(Instant.now(), departedNode, settings.statefulSet(), replicas, after.at("/spec/replicas").asInt(),
                    "scaled up so that " + departedNode + " returns and recovers its branches"));
        } catch (IOException e) {
            return Optional.of(failed(departedNode, "the Kubernetes API at " + settings.apiUrl() + " could not be reached: " + e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Action failed(String node, String detail) {
        Log.warnf("Cannot bring departed node %s back: %s", node, detail);
        return new Action(Instant.now(), node, settings.statefulSet(), null, null, detail);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).header("Accept", "application/json");
        settings.token().ifPresent(token -> request.header("Authorization", "Bearer " + token));
        return request;
    }

    private static SSLContext trusting(Path caCertificate) {
        try (InputStream in = Files.newInputStream(caCertificate)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("kubernetes-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the service account's CA certificate " + caCertificate, e);
        }
    }
}
