-- Ids and idempotency keys compare byte for byte, as in PostgreSQL. With the server's default collation another
-- spelling matched the same row: MariaDB's utf8mb4_bin is PAD SPACE ('my-1 ' = 'my-1'), MySQL 8's default
-- utf8mb4_0900_ai_ci also ignores case ('MY-1' = 'my-1'). The API refuses such spellings before any SQL; this
-- makes the database agree. Binary NO PAD collations have a different name on each server, hence the choice at
-- run time: MariaDB's utf8mb4_nopad_bin, MySQL 8's utf8mb4_0900_bin.
SET @exact = IF(VERSION() LIKE '%MariaDB%', 'utf8mb4_nopad_bin', 'utf8mb4_0900_bin');

-- A foreign key's columns must share a collation: drop it while both sides change.
ALTER TABLE journal_entry DROP FOREIGN KEY journal_entry_account_fk;

SET @ddl = CONCAT('ALTER TABLE account MODIFY id VARCHAR(40) CHARACTER SET utf8mb4 COLLATE ', @exact, ' NOT NULL');
PREPARE ddl FROM @ddl;
EXECUTE ddl;
DEALLOCATE PREPARE ddl;

SET @ddl = CONCAT('ALTER TABLE journal_entry',
    ' MODIFY transfer_id CHAR(36) CHARACTER SET utf8mb4 COLLATE ', @exact, ' NOT NULL,',
    ' MODIFY account_id VARCHAR(40) CHARACTER SET utf8mb4 COLLATE ', @exact, ' NOT NULL,',
    ' MODIFY counterparty_id VARCHAR(40) CHARACTER SET utf8mb4 COLLATE ', @exact, ' NOT NULL');
PREPARE ddl FROM @ddl;
EXECUTE ddl;
DEALLOCATE PREPARE ddl;

SET @ddl = CONCAT('ALTER TABLE idempotency_key',
    ' MODIFY idem_key VARCHAR(200) CHARACTER SET utf8mb4 COLLATE ', @exact, ' NOT NULL,',
    ' MODIFY transfer_id CHAR(36) CHARACTER SET utf8mb4 COLLATE ', @exact, ' NOT NULL');
PREPARE ddl FROM @ddl;
EXECUTE ddl;
DEALLOCATE PREPARE ddl;

ALTER TABLE journal_entry ADD CONSTRAINT journal_entry_account_fk FOREIGN KEY (account_id) REFERENCES account (id);
