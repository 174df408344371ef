-- Narayana's marker table for the commit-markable resource (crossbank.xa.commit-markable-ledger=mysql), under the name
-- and columns Narayana's CommitMarkableResourceRecord writes: one row per cross-ledger transaction, inserted in the
-- ledger's local transaction, so it exists exactly when that transaction committed. Recovery reads it after a crash
-- (SELECT xid, actionuid ... WHERE transactionManagerID IN (<node name>)) and deletes rows in batches by xid once
-- their transaction is complete. Empty and unused in the other modes.
-- xid: formatID, gtrid and bqual lengths, then the 128 data bytes (4 + 4 + 4 + 4 + 128); actionuid: Narayana's Uid.
CREATE TABLE xids (
    xid VARBINARY(144) NOT NULL,
    transactionManagerID VARCHAR(64) NOT NULL,
    actionuid VARBINARY(28) NOT NULL,
    PRIMARY KEY (xid),
    KEY xids_transaction_manager (transactionManagerID)
) ENGINE = InnoDB;
