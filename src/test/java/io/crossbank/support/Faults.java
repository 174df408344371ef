package io.crossbank.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** What every fault test needs: a victim request, waiting for convergence, and the invariants at the end. */
public final class Faults {

    private Faults() {
    }

    /** A transfer whose answer may never come (the JVM dies under it): the HTTP status, or -1 for none. */
    public static CompletableFuture<Integer> transferInBackground(int port, String from, String to, String amount) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return RestAssured.given().port(port).contentType(ContentType.JSON)
                        .body(java.util.Map.of("from", from, "to", to, "amount", amount))
                        .post("/transfers").statusCode();
            } catch (Exception e) { // rest-assured rethrows the connection's IOException undeclared
                return -1;
            }
        });
    }

    /** The same victim request, for a test that reads the answer's body: empty for none. */
    public static CompletableFuture<Optional<Response>> transferAnswerInBackground(int port, String from, String to, String amount) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Optional.of(RestAssured.given().port(port).contentType(ContentType.JSON)
                        .body(java.util.Map.of("from", from, "to", to, "amount", amount))
                        .post("/transfers"));
            } catch (Exception e) { // rest-assured rethrows the connection's IOException undeclared
                return Optional.empty();
            }
        });
    }

    /** Waits until the condition holds; returns how long that took. */
    public static Duration awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        long start = System.nanoTime();
        await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(condition::getAsBoolean);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Narayana transaction records (AtomicAction) left in an instance's file object store. */
    public static List<Path> transactionRecords(Path objectStore) {
        if (!Files.exists(objectStore)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(objectStore)) {
            return files.filter(Files::isRegularFile).filter(p -> p.toString().contains("AtomicAction")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Nothing in doubt for this node: no prepared branch in either database, no record in its log, and no marker row
     * of a commit-markable ledger left (recovery deletes each once its transaction is complete).
     */
    public static boolean clean(AppProcess app, String database) {
        return Sql.preparedBranchesOf(app.nodeName(), database).isEmpty() && transactionRecords(app.objectStore()).isEmpty()
                && Sql.markerRowsOf(app.nodeName(), database) == 0;
    }

    public static void deleteObjectStore(Path objectStore) {
        if (!Files.exists(objectStore)) {
            return;
        }
        try (Stream<Path> files = Files.walk(objectStore)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The invariants every fault test ends with: the money of these accounts is what it was, no balance is
     * negative, each acknowledged transfer is journalled exactly once in both ledgers, nothing is prepared
     * anywhere, the node's log is empty and no marker row of the node is left.
     */
    public static void assertInvariants(String database, AppProcess app, BigDecimal expectedTotal, List<String> accounts,
            List<String> acknowledgedCrossLedgerTransfers) {
        BigDecimal total = accounts.stream().map(a -> Sql.balance(a, database)).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(total).as("money across both databases").isEqualByComparingTo(expectedTotal);
        accounts.forEach(a -> assertThat(Sql.balance(a, database)).as("balance of %s", a).isNotNegative());
        for (String transfer : acknowledgedCrossLedgerTransfers) {
            assertThat(Sql.journalRows("postgres", transfer, database)).as("postgres journal rows of %s", transfer).isEqualTo(1);
            assertThat(Sql.journalRows("mysql", transfer, database)).as("mysql journal rows of %s", transfer).isEqualTo(1);
        }
        assertThat(Sql.preparedBranches()).as("prepared branches in either database").isEmpty();
        assertThat(transactionRecords(app.objectStore())).as("records in the object store of %s", app.nodeName()).isEmpty();
        assertThat(Sql.markerRowsOf(app.nodeName(), database)).as("commit-markable marker rows of %s left after recovery", app.nodeName())
                .isZero();
    }

    /** Keeps the measured times for the closing note and the README: target/recovery-times.md. */
    public static void recordTime(String fault, Duration time) {
        String line = String.format("| %s | %.1f s |%n", fault, time.toMillis() / 1000.0);
        try {
            Path file = Path.of("target", "recovery-times.md");
            if (!Files.exists(file)) {
                Files.writeString(file, "| fault | restart to clean state |\n| --- | --- |\n");
            }
            Files.writeString(file, line, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
