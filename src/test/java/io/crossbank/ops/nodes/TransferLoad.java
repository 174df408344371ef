package io.crossbank.ops.nodes;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Clients sending cross-ledger transfers to several instances, as a Service would spread them: one thread per account
 * pair (no two threads on the same rows), each going on with the next instance when one refuses (503 draining) or is
 * gone, the way a client retries through a Service that drops a draining pod.
 */
final class TransferLoad implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Integer> ports;
    private final List<String[]> pairs;
    private final List<Thread> threads = new ArrayList<>();
    private final List<String> acknowledged = new CopyOnWriteArrayList<>();
    /** Answers by status ("201", "503 urn:crossbank:problem:draining", "refused", "cut", ...). */
    private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    private final Map<Integer, Boolean> gone = new ConcurrentHashMap<>();
    /** The Idempotency-Keys of requests cut under way: whether their transfer happened, only the database can say. */
    private final List<String> cut = new CopyOnWriteArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private volatile boolean running = true;

    private TransferLoad(List<Integer> ports, List<String[]> pairs) {
        this.ports = ports;
        this.pairs = pairs;
    }

    /** @param pairs {from, to} account ids, or {from, to, "saga"}, one client thread each */
    static TransferLoad start(List<Integer> ports, List<String[]> pairs) {
        TransferLoad load = new TransferLoad(ports, pairs);
        for (int i = 0; i < pairs.size(); i++) {
            int client = i;
            Thread thread = new Thread(() -> load.run(client), "transfer-load-" + i);
            thread.setDaemon(true);
            load.threads.add(thread);
            thread.start();
        }
        return load;
    }

    /** The cross-ledger XA transfers answered 201 (sagas are only counted, in {@link #answers()}). */
    List<String> acknowledged() {
        return List.copyOf(acknowledged);
    }

    List<String> cutKeys() {
        return List.copyOf(cut);
    }

    Map<String, Integer> answers() {
        Map<String, Integer> copy = new java.util.TreeMap<>();
        answers.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(30_000);
        }
    }

    private void run(int clientIndex) {
        String[] pair = pairs.get(clientIndex);
        int next = clientIndex;
        while (running) {
            int port = ports.get(Math.floorMod(next++, ports.size()));
            if (gone.containsKey(port)) {
                if (gone.size() == ports.size()) {
                    return;
                }
                continue;
            }
            boolean saga = pair.length > 2 && pair[2].equals("saga");
            String body = "{\"from\":\"" + pair[0] + "\",\"to\":\"" + pair[1] + "\",\"amount\":\"0.01\""
                    + (saga ? ",\"mode\":\"saga\"" : "") + "}";
            String key = "load-" + clientIndex + "-" + sequence.incrementAndGet();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/transfers"))
                    .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                String answer = String.valueOf(response.statusCode());
                if (saga && response.statusCode() / 100 == 2) {
                    answer = "saga " + answer;
                } else if (response.statusCode() == 201) {
                    Matcher id = ID.matcher(response.body());
                    if (id.find()) {
                        acknowledged.add(id.group(1));
                    }
                } else {
                    Matcher type = Pattern.compile("\"type\":\"([^\"]+)\"").matcher(response.body());
                    answer += type.find() ? " " + type.group(1) : " " + response.body();
                }
                answers.computeIfAbsent(answer, k -> new AtomicInteger()).incrementAndGet();
            } catch (java.net.ConnectException e) {
                // Nobody listens any more: the instance stopped; a Service would route elsewhere.
                answers.computeIfAbsent("refused", k -> new AtomicInteger()).incrementAndGet();
                gone.put(port, Boolean.TRUE);
            } catch (IOException e) {
                // Cut under the request: the instance died with it in flight, its outcome unknown to the client.
                answers.computeIfAbsent("cut", k -> new AtomicInteger()).incrementAndGet();
                cut.add(key);
                gone.put(port, Boolean.TRUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
