package io.crossbank.events;

/**
 * What the broker answered for one published event.
 *
 * @param error null when the broker confirmed the event and did not return it; otherwise why it is not sent
 */
record PublishOutcome(String eventId, String error) {

    static PublishOutcome confirmed(String eventId) {
        return new PublishOutcome(eventId, null);
    }

    static PublishOutcome failed(String eventId, String error) {
        return new PublishOutcome(eventId, error);
    }

    boolean isConfirmed() {
        return error == null;
    }
}
