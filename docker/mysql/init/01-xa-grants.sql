-- MySQL 8 only lists prepared XA branches of other sessions in XA RECOVER
-- to accounts with XA_RECOVER_ADMIN. Narayana's recovery scan runs XA RECOVER
-- as the app user; without this grant it cannot see (and so never commits or
-- rolls back) the app's in-doubt branches after a crash.
GRANT XA_RECOVER_ADMIN ON *.* TO 'crossbank'@'%';
