CREATE TABLE account (
    id          VARCHAR(40)    PRIMARY KEY,
    owner       VARCHAR(200)   NOT NULL,
    currency    CHAR(3)        NOT NULL,
    balance     DECIMAL(19, 2) NOT NULL,
    created_at  BIGINT         NOT NULL,
    CONSTRAINT account_balance_not_negative CHECK (balance >= 0)
) ENGINE = InnoDB;

-- One row per account a transfer touched in this ledger: its side of the transfer.
-- Every created_at is microseconds since 1970-01-01T00:00:00Z (exact on MySQL, MariaDB and PostgreSQL alike).
CREATE TABLE journal_entry (
    transfer_id     CHAR(36)       NOT NULL,
    account_id      VARCHAR(40)    NOT NULL,
    counterparty_id VARCHAR(40)    NOT NULL,
    direction       VARCHAR(6)     NOT NULL,
    amount          DECIMAL(19, 2) NOT NULL,
    currency        CHAR(3)        NOT NULL,
    created_at      BIGINT         NOT NULL,
    PRIMARY KEY (transfer_id, account_id),
    CONSTRAINT journal_entry_direction CHECK (direction IN ('DEBIT', 'CREDIT')),
    CONSTRAINT journal_entry_amount_positive CHECK (amount > 0),
    CONSTRAINT journal_entry_account_fk FOREIGN KEY (account_id) REFERENCES account (id)
) ENGINE = InnoDB;
CREATE INDEX journal_entry_account ON journal_entry (account_id, created_at);

-- Idempotency keys of transfers debiting an account of this ledger.
CREATE TABLE idempotency_key (
    idem_key     VARCHAR(200) PRIMARY KEY,
    request_hash CHAR(64)     NOT NULL,
    transfer_id  CHAR(36)     NOT NULL,
    created_at   BIGINT         NOT NULL
) ENGINE = InnoDB;
