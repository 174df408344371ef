-- The reference consumer's own store (io.crossbank.events.consumer), in schema "consumer" of its own non-XA
-- datasource. Every *_at is microseconds since 1970-01-01T00:00:00Z, like the ledgers.

-- One row per event applied: written in the same local transaction as the effect, so a redelivered event finds
-- its id here and changes nothing.
CREATE TABLE inbox (
    event_id    VARCHAR(100) PRIMARY KEY,
    -- Not unique on purpose: two event ids for one transfer would break the contract, and must stay countable.
    transfer_id VARCHAR(40)  NOT NULL,
    type        VARCHAR(100) NOT NULL,
    received_at BIGINT       NOT NULL
);
CREATE INDEX inbox_transfer ON inbox (transfer_id);

-- The effect: a read model of each account's activity as the events tell it, to be compared with the ledgers' journal.
CREATE TABLE account_activity (
    account_id    VARCHAR(40)    PRIMARY KEY,
    ledger        VARCHAR(20)    NOT NULL,
    currency      CHAR(3)        NOT NULL,
    debits_count  BIGINT         NOT NULL,
    debits_total  NUMERIC(21, 2) NOT NULL,
    credits_count BIGINT         NOT NULL,
    credits_total NUMERIC(21, 2) NOT NULL,
    updated_at    BIGINT         NOT NULL
);
