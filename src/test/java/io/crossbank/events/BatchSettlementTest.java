package io.crossbank.events;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which rows a published batch marks sent, failed or leaves alone: pure logic, no broker or database needed. */
class BatchSettlementTest {

    private static final List<OutboxRow> BATCH = IntStream.rangeClosed(1, 5)
            .mapToObj(seq -> new OutboxRow("e" + seq, seq, TransferEvents.TRANSFER_COMMITTED, "{}", 0, Instant.EPOCH))
            .toList();

    @Test
    void aFullyConfirmedBatchIsAllMarkedSent() {
        BatchSettlement settlement = BatchSettlement.of(BATCH, BATCH.stream().map(r -> PublishOutcome.confirmed(r.eventId())).toList());

        assertThat(ids(settlement.sent())).as("Every confirmed row is marked sent.").containsExactly("e1", "e2", "e3", "e4", "e5");
        assertThat(settlement.failed()).as("Nothing failed.").isEmpty();
        assertThat(settlement.heldBack()).as("Nothing is held back.").isEmpty();
        assertThat(settlement.allSent()).isTrue();
    }

    @Test
    void onlyTheRowsBeforeTheFirstFailureAreMarkedSentAndTheConfirmedOnesAfterItWaitBehindIt() {
        List<PublishOutcome> outcomes = List.of(PublishOutcome.confirmed("e1"), PublishOutcome.confirmed("e2"),
                PublishOutcome.failed("e3", "nacked by the broker"), PublishOutcome.confirmed("e4"), PublishOutcome.failed("e5", "unroutable"));

        BatchSettlement settlement = BatchSettlement.of(BATCH, outcomes);

        assertThat(ids(settlement.sent())).as("The rows before the first failure, in seq order, are marked sent.").containsExactly("e1", "e2");
        assertThat(settlement.failed()).as("The first failed row in seq order counts the attempt, with its own error.").hasValueSatisfying(f -> {
            assertThat(f.row().eventId()).isEqualTo("e3");
            assertThat(f.error()).isEqualTo("nacked by the broker");
        });
        assertThat(ids(settlement.heldBack())).as("The rows after it, confirmed (e4) or not (e5), stay unsent and are published after it.")
                .containsExactly("e4", "e5");
        assertThat(settlement.allSent()).isFalse();
    }

    @Test
    void theFirstFailureIsFoundInSeqOrderWhateverTheOrderOfTheAnswers() {
        // Confirms and returns arrive asynchronously; the answer for a later row may be known first.
        List<PublishOutcome> outcomes = List.of(PublishOutcome.failed("e4", "unroutable"), PublishOutcome.confirmed("e5"),
                PublishOutcome.failed("e2", "not confirmed within PT5S"), PublishOutcome.confirmed("e1"), PublishOutcome.confirmed("e3"));

        BatchSettlement settlement = BatchSettlement.of(BATCH, outcomes);

        assertThat(ids(settlement.sent())).containsExactly("e1");
        assertThat(settlement.failed().orElseThrow().row().eventId()).isEqualTo("e2");
        assertThat(settlement.failed().orElseThrow().error()).isEqualTo("not confirmed within PT5S");
        assertThat(ids(settlement.heldBack())).containsExactly("e3", "e4", "e5");
    }

    @Test
    void aFailedHeadRowHoldsBackTheWholeBatch() {
        List<PublishOutcome> outcomes = BATCH.stream()
                .map(r -> r.seq() == 1 ? PublishOutcome.failed(r.eventId(), "unroutable") : PublishOutcome.confirmed(r.eventId()))
                .toList();

        BatchSettlement settlement = BatchSettlement.of(BATCH, outcomes);

        assertThat(settlement.sent()).as("Nothing may be marked sent ahead of the failed head row.").isEmpty();
        assertThat(settlement.failed().orElseThrow().row().eventId()).isEqualTo("e1");
        assertThat(ids(settlement.heldBack())).containsExactly("e2", "e3", "e4", "e5");
    }

    @Test
    void aRowWithoutAnAnswerCountsAsFailed() {
        List<PublishOutcome> outcomes = List.of(PublishOutcome.confirmed("e1"), PublishOutcome.confirmed("e3"));

        BatchSettlement settlement = BatchSettlement.of(BATCH, outcomes);

        assertThat(ids(settlement.sent())).containsExactly("e1");
        assertThat(settlement.failed().orElseThrow().row().eventId()).isEqualTo("e2");
    }

    @Test
    void anEmptyBatchSettlesNothing() {
        BatchSettlement settlement = BatchSettlement.of(List.of(), List.of());

        assertThat(settlement.sent()).isEmpty();
        assertThat(settlement.failed()).isEmpty();
        assertThat(settlement.heldBack()).isEmpty();
    }

    @Test
    void theBackoffDoublesFromTheInitialPauseUpToTheMaximum() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(500), Duration.ofSeconds(3));

        assertThat(IntStream.range(0, 6).mapToObj(backoff::after).map(Duration::toMillis).toList())
                .containsExactly(500L, 1000L, 2000L, 3000L, 3000L, 3000L);
    }

    private static List<String> ids(List<OutboxRow> rows) {
        return rows.stream().map(OutboxRow::eventId).toList();
    }
}
