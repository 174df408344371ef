-- Saga mode (docs/sagas.md). Every *_at is microseconds since 1970-01-01T00:00:00Z, like the rest of the ledger.

-- held: money an outgoing saga has taken from the balance (the available money) and not settled yet; balance + held is
-- what the account owns. frozen_at: set by an operator (POST /accounts/{id}/freeze); a frozen account neither sends
-- nor receives, whatever the mode.
ALTER TABLE account
    ADD COLUMN held NUMERIC(19, 2) NOT NULL DEFAULT 0,
    ADD COLUMN frozen_at BIGINT,
    ADD CONSTRAINT account_held_not_negative CHECK (held >= 0);

-- A saga's progress, on its transfer record in the debited ledger: the next step, the failed attempts of the current
-- one and when to try again, which instance holds it (lease) and until when, why the last attempt failed, since when
-- it is past its retry budget (stuck), and when it settled (step 3 or the refund).
ALTER TABLE transfer
    ADD COLUMN saga_step       VARCHAR(8),
    ADD COLUMN attempts        INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at BIGINT,
    ADD COLUMN lease_owner     VARCHAR(64),
    ADD COLUMN lease_until     BIGINT,
    ADD COLUMN last_error      VARCHAR(1000),
    ADD COLUMN stuck_at        BIGINT,
    ADD COLUMN settled_at      BIGINT,
    ADD CONSTRAINT transfer_saga_step CHECK (saga_step IN ('CREDIT', 'SETTLE', 'REFUND', 'DONE'));
-- What the resumer claims: the pending sagas whose next attempt is due (a partial index as small as the backlog).
CREATE INDEX transfer_saga_due ON transfer (next_attempt_at) WHERE status = 'PENDING';

-- The deciding row of a saga, in the credited ledger: written by the credit (DONE, in the credit's transaction) or by
-- the compensation (CANCELLED, before any refund). The primary key lets exactly one of them exist.
CREATE TABLE saga_credit (
    transfer_id CHAR(36)     PRIMARY KEY,
    outcome     VARCHAR(9)   NOT NULL,
    reason      VARCHAR(500),
    created_at  BIGINT       NOT NULL,
    CONSTRAINT saga_credit_outcome CHECK (outcome IN ('DONE', 'CANCELLED'))
);
