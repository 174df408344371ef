package io.crossbank.events;

import java.time.Instant;

/** One unsent outbox row as the relay claims it. */
record OutboxRow(String eventId, long seq, String type, String payload, int attempts, Instant nextAttemptAt) {
}
