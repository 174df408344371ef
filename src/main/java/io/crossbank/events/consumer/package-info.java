/**
 * The reference consumer of transfer events: a quorum queue with a delivery limit and a dead-letter queue, an inbox
 * written in the same local transaction as the effect, an ack only after that commit. Off unless
 * {@code crossbank.events.consumer.enabled=true}. How to write one is in docs/events.md, "Writing a consumer".
 */
package io.crossbank.events.consumer;
