-- A transfer's own record, in the ledger of the account it debits, written in the transfer's transaction:
-- what GET /transfers/{id} reads its mode and status from. Until now a journal row stood for "committed".
-- Every created_at / updated_at is microseconds since 1970-01-01T00:00:00Z.
CREATE TABLE transfer (
    id           CHAR(36)       PRIMARY KEY,
    mode         VARCHAR(8)     NOT NULL,
    status       VARCHAR(12)    NOT NULL,
    from_account VARCHAR(40)    NOT NULL,
    to_account   VARCHAR(40)    NOT NULL,
    amount       NUMERIC(19, 2) NOT NULL,
    currency     CHAR(3)        NOT NULL,
    reason       VARCHAR(500),
    created_at   BIGINT         NOT NULL,
    updated_at   BIGINT         NOT NULL,
    CONSTRAINT transfer_mode CHECK (mode IN ('XA', 'SAGA')),
    CONSTRAINT transfer_status CHECK (status IN ('PENDING', 'COMMITTED', 'COMPENSATED')),
    CONSTRAINT transfer_amount_positive CHECK (amount > 0)
);

-- Every transfer made before this migration was an XA transfer whose journal rows exist only because it committed.
INSERT INTO transfer (id, mode, status, from_account, to_account, amount, currency, reason, created_at, updated_at)
    SELECT transfer_id, 'XA', 'COMMITTED', account_id, counterparty_id, amount, currency, NULL, created_at, created_at
    FROM journal_entry WHERE direction = 'DEBIT';

-- A journal row is one kind of movement of one account in one transfer, so that a compensation (a refund of a
-- transfer's debit) has room beside the debit it reverses.
ALTER TABLE journal_entry ADD COLUMN kind VARCHAR(12) NOT NULL DEFAULT 'TRANSFER';
ALTER TABLE journal_entry ADD CONSTRAINT journal_entry_kind CHECK (kind IN ('TRANSFER', 'COMPENSATION'));
ALTER TABLE journal_entry DROP CONSTRAINT journal_entry_pkey, ADD PRIMARY KEY (transfer_id, account_id, kind);
