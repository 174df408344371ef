-- Narayana's marker table for the commit-markable resource (crossbank.xa.commit-markable-ledger=postgres), under the
-- name and columns Narayana's CommitMarkableResourceRecord writes: one row per cross-ledger transaction, inserted in
-- the ledger's local transaction, so it exists exactly when that transaction committed. Recovery reads it after a
-- crash (SELECT xid, actionuid ... WHERE transactionManagerID IN (<node name>)) and deletes rows in batches by xid
-- once their transaction is complete. Empty and unused in the other modes.
-- xid: formatID, gtrid and bqual lengths, then the 128 data bytes; actionuid: Narayana's Uid.
CREATE TABLE xids (
    xid BYTEA NOT NULL PRIMARY KEY,
    transactionManagerID VARCHAR(64) NOT NULL,
    actionuid BYTEA NOT NULL
);
CREATE INDEX xids_transaction_manager ON xids (transactionManagerID);
