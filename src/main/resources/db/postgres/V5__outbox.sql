-- Transactional outbox: one row per event, written in the same transaction as the change it announces (a
-- transfer's XA transaction), so an event exists if and only if that change committed. The relay
-- (io.crossbank.events) publishes unsent rows to RabbitMQ in seq order and marks each sent after the broker's
-- confirm. Every *_at is microseconds since 1970-01-01T00:00:00Z, like the rest of the ledger.
CREATE TABLE outbox (
    event_id        CHAR(36)      PRIMARY KEY,
    -- Increasing in insert order; a transfer inserts its row after it has locked the debited account, so the
    -- transfers debiting one account get their seq in commit order.
    seq             BIGINT        GENERATED ALWAYS AS IDENTITY UNIQUE,
    aggregate_id    CHAR(36)      NOT NULL,
    type            VARCHAR(100)  NOT NULL,
    payload         VARCHAR(8000) NOT NULL,
    created_at      BIGINT        NOT NULL,
    sent_at         BIGINT,
    attempts        INTEGER       NOT NULL DEFAULT 0,
    last_error      VARCHAR(1000),
    next_attempt_at BIGINT        NOT NULL
);
-- What the relay claims: the unsent rows, oldest first (a partial index stays as small as the backlog).
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;
-- What pruning deletes: sent rows older than the retention.
CREATE INDEX outbox_sent_at ON outbox (sent_at);
