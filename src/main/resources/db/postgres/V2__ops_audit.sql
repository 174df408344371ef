-- Every attempt of an operator to commit or roll back an in-doubt XA branch of this ledger by hand
-- (POST /ops/in-doubt/postgres/{id}/commit|rollback), dry runs and refusals included.
-- created_at is microseconds since 1970-01-01T00:00:00Z, like every timestamp of the ledger.
CREATE TABLE ops_audit (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at     BIGINT        NOT NULL,
    principal      VARCHAR(200)  NOT NULL,
    node           VARCHAR(64)   NOT NULL,
    action         VARCHAR(10)   NOT NULL,
    dry_run        BOOLEAN       NOT NULL,
    branch_id      VARCHAR(500)  NOT NULL,
    classification VARCHAR(20),
    outcome        VARCHAR(20)   NOT NULL,
    detail         VARCHAR(1000) NOT NULL
);
CREATE INDEX ops_audit_branch ON ops_audit (branch_id, created_at);
