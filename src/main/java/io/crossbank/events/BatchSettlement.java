package io.crossbank.events;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What one published batch of one ledger leaves in the outbox, so that the ledger's seq order holds at the consumer:
 * the rows before the first failure (in seq order) are marked sent; the first failed row counts an attempt and backs
 * off; the rows after it stay unsent as they were, without an attempt, and are published again after it. For those
 * of them the broker did confirm, that is a duplicate, which the at-least-once contract allows (consumers
 * deduplicate on the event id); marking them sent instead would let them overtake the failed row.
 *
 * @param sent     confirmed, before any failure: to be marked sent
 * @param failed   the first row that was not confirmed, with why
 * @param heldBack the rows after it, confirmed or not: left unsent, untouched
 */
record BatchSettlement(List<OutboxRow> sent, Optional<Failure> failed, List<OutboxRow> heldBack) {

    record Failure(OutboxRow row, String error) {
    }

    /**
     * @param rows     the batch in seq order
     * @param outcomes the broker's answer for each of them, in any order; a row without one counts as failed
     */
    static BatchSettlement of(List<OutboxRow> rows, List<PublishOutcome> outcomes) {
        Map<String, PublishOutcome> byId = outcomes.stream()
                .collect(Collectors.toMap(PublishOutcome::eventId, Function.identity(), (first, second) -> first.isConfirmed() ? second : first));
        for (int i = 0; i < rows.size(); i++) {
            OutboxRow row = rows.get(i);
            PublishOutcome outcome = byId.get(row.eventId());
            if (outcome == null || !outcome.isConfirmed()) {
                String error = outcome == null ? "no answer from the broker" : outcome.error();
                return new BatchSettlement(List.copyOf(rows.subList(0, i)), Optional.of(new Failure(row, error)),
                        List.copyOf(rows.subList(i + 1, rows.size())));
            }
        }
        return new BatchSettlement(List.copyOf(rows), Optional.empty(), List.of());
    }

    boolean allSent() {
        return failed.isEmpty();
    }
}
