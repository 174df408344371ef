/**
 * Transfer events: the outbox row each committed transfer writes in its own transaction ({@link io.crossbank.events.TransferEvents})
 * and the relay that publishes those rows to RabbitMQ with publisher confirms ({@link io.crossbank.events.OutboxRelay}
 * and its parts); what operators see of the outboxes ({@link io.crossbank.events.StuckEvents}, {@link io.crossbank.events.EventRedrive}).
 * {@link io.crossbank.events.consumer} holds the reference consumer. The contract is docs/events.md.
 */
package io.crossbank.events;
