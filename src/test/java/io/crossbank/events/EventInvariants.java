package io.crossbank.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.crossbank.support.AppProcess;
import io.crossbank.support.Faults;
import io.restassured.RestAssured;

/**
 * What every event fault test ends with, besides {@link Faults#assertInvariants}: nothing left unsent in either
 * outbox; at the reference consumer exactly one inbox row per committed transfer, carrying the event id of its
 * outbox row, and nothing else; its effect equal to the ledgers' journal (applied once); nothing at all about the
 * accounts of transfers that did not commit.
 */
final class EventInvariants {

    private static final String DUPLICATES = "crossbank_events_consumer_messages_total{outcome=\"duplicate\"";
    private static final String APPLIED = "crossbank_events_consumer_messages_total{outcome=\"applied\"";

    private EventInvariants() {
    }

    /** Waits until both outboxes of this database have no unsent row; returns how long that took. */
    static Duration awaitNothingUnsent(String database, Duration timeout) {
        return Faults.awaitTrue("no unsent outbox row in " + database, timeout, () -> Outbox.unsentIn(database).isEmpty());
    }

    /** Waits until the consumer's inbox holds an event of each of these transfers; returns how long that took. */
    static Duration awaitConsumed(String database, Collection<String> transfers, Duration timeout) {
        return Faults.awaitTrue(transfers.size() + " transfers in the consumer's inbox", timeout,
                () -> ConsumerStore.inbox(database).keySet().containsAll(transfers));
    }

    /** The reference consumer's count of redeliveries it recognised by their event id and left alone. */
    static double duplicatesAt(AppProcess consumer) {
        return metricAt(consumer, DUPLICATES);
    }

    /** The reference consumer's count of messages it settled: applied, or recognised as duplicates. */
    static double handledAt(AppProcess consumer) {
        return metricAt(consumer, APPLIED) + metricAt(consumer, DUPLICATES);
    }

    private static double metricAt(AppProcess app, String seriesPrefix) {
        return RestAssured.given().port(app.port()).get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(line -> line.startsWith(seriesPrefix)).mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /**
     * @param committed every transfer of this database that committed (so far, across the test class)
     * @param accounts accounts whose activity at the consumer must equal their journal
     * @param withoutEvents accounts no event may name: those of transfers rejected or rolled back only
     */
    static void assertConsumedOnce(String database, Collection<String> committed, Collection<String> accounts,
            Collection<String> withoutEvents) {
        awaitNothingUnsent(database, Duration.ofSeconds(30));
        awaitConsumed(database, committed, Duration.ofSeconds(30));
        Map<String, List<String>> outbox = Outbox.allIn(database).stream()
                .collect(Collectors.groupingBy(Outbox.Row::aggregateId, Collectors.mapping(Outbox.Row::eventId, Collectors.toList())));
        Map<String, List<String>> inbox = ConsumerStore.inbox(database);
        assertThat(outbox.keySet()).as("transfers with an outbox row in %s: the committed ones", database)
                .containsExactlyInAnyOrderElementsOf(committed);
        assertThat(inbox.keySet()).as("transfers in the consumer's inbox: the committed ones").containsExactlyInAnyOrderElementsOf(committed);
        for (String transfer : committed) {
            assertThat(outbox.get(transfer)).as("outbox rows of committed transfer %s in both ledgers", transfer).hasSize(1);
            assertThat(inbox.get(transfer)).as("inbox rows of committed transfer %s: its one event id", transfer)
                    .containsExactlyElementsOf(outbox.get(transfer));
        }
        for (String account : accounts) {
            assertThat(ConsumerStore.activity(database, account)).as("the consumer's effect for %s: its journal, applied once", account)
                    .contains(ConsumerStore.journal(database, account));
        }
        for (String account : withoutEvents) {
            assertThat(Outbox.mentioningIn(database, account)).as("outbox rows naming %s, of transfers that did not commit", account).isEmpty();
            assertThat(ConsumerStore.activity(database, account)).as("the consumer's effect for %s, of transfers that did not commit", account)
                    .isEmpty();
        }
    }
}
