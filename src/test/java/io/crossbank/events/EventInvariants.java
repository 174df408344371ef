package io.crossbank.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.crossbank.support.Faults;

/**
 * What every event fault test ends with, besides {@link Faults#assertInvariants}: nothing left unsent in either
 * outbox, exactly one event id for each committed transfer (the one in its outbox row) and at least one delivery of
 * it, and no event at all about a transfer that did not commit.
 */
final class EventInvariants {

    private EventInvariants() {
    }

    /** Waits until both outboxes of this database have no unsent row; returns how long that took. */
    static Duration awaitNothingUnsent(String database, Duration timeout) {
        return Faults.awaitTrue("no unsent outbox row in " + database, timeout, () -> Outbox.unsentIn(database).isEmpty());
    }

    /**
     * @param committed the transfers that committed (each must have exactly one event id, delivered)
     * @param withoutEvents accounts no event may name: the ones of transfers rejected or rolled back only
     */
    static void assertDelivered(String database, DurableEventQueue queue, Collection<String> committed, Collection<String> withoutEvents) {
        assertThat(Outbox.unsentIn(database)).as("unsent outbox rows in both ledgers of %s", database).isEmpty();
        queue.drain();
        Map<String, List<String>> outboxIds = Outbox.allIn(database).stream()
                .collect(Collectors.groupingBy(Outbox.Row::aggregateId, Collectors.mapping(Outbox.Row::eventId, Collectors.toList())));
        Map<String, Set<String>> deliveredIds = queue.received().stream().filter(d -> d.subject() != null)
                .collect(Collectors.groupingBy(DurableEventQueue.Delivery::subject,
                        Collectors.mapping(DurableEventQueue.Delivery::messageId, Collectors.toSet())));
        for (String transfer : committed) {
            List<String> ids = outboxIds.getOrDefault(transfer, List.of());
            assertThat(ids).as("outbox rows of committed transfer %s in both ledgers", transfer).hasSize(1);
            assertThat(deliveredIds.getOrDefault(transfer, Set.of())).as("event ids delivered for committed transfer %s", transfer)
                    .containsExactly(ids.get(0));
        }
        for (String account : withoutEvents) {
            assertThat(Outbox.mentioningIn(database, account)).as("outbox rows naming %s, of transfers that did not commit", account).isEmpty();
            assertThat(queue.mentioning(account)).as("events delivered naming %s, of transfers that did not commit", account).isEmpty();
        }
    }
}
