#!/usr/bin/env bash
# SQL side of the benchmark, against the benchmark's own private databases (never the tests' ones).
# Called by run.sh and by the load generator (stats and audit after every cell).
#
# usage: db.sh create | seed <accounts per ledger> <balance> | stats | audit | versions | outbox | sagas
#   create    (re)create the empty databases crossbank_bench in both servers, owned by / granted to crossbank
#   seed      empty the ledgers and insert accounts pg-00000000-0000-0000-0000-000000000001.. and my-…1.. (the form the API accepts) with that balance
#   stats     counters read before and after each measured window, as key=value lines (syncs, statements). MariaDB >= 10.8 no longer
#             has Innodb_os_log_fsyncs (its redo log was rewritten); there Innodb_data_fsyncs, which then also
#             counts the redo log's fsyncs, stands in for it
#   audit     invariants after a cell, as key=value lines
#   versions  server versions and durability settings, as key=value lines
#   sagas [postgres]   sagas not settled yet and the money accounts hold for them, both ledgers (or PostgreSQL's): "<pending> <held>"
#   txlog     Narayana JDBC object store tables (…_jbosststxtable) in the PostgreSQL database, as <table>=<transaction records>
#   pg-set k=v…   ALTER SYSTEM SET each PostgreSQL setting and reload (run.sh --pg-settings); pg-reset k=v… undoes it
#   outbox    the outbox rows of both ledgers, and how many are not confirmed by the broker yet: "<rows> <unsent>"
set -euo pipefail

PG_PORT="${CROSSBANK_PG_PORT:-35432}"
MYSQL_PORT="${CROSSBANK_MYSQL_PORT:-33306}"
DB="${CROSSBANK_BENCH_DB:-crossbank_bench}"
PG_BIN="${CROSSBANK_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"

export PGPASSWORD=crossbank_admin
pg() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -At -h 127.0.0.1 -p "$PG_PORT" -U crossbank_admin "$@"; }
my() { mariadb --no-defaults -h127.0.0.1 -P"$MYSQL_PORT" -ucrossbank_admin -pcrossbank_admin -N -B "$@"; }

case "${1:-}" in
    create)
        pg -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB OWNER crossbank"
        my -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB; GRANT ALL PRIVILEGES ON $DB.* TO 'crossbank'@'%';"
        ;;
    seed)
        n="${2:?accounts per ledger}"; balance="${3:?balance}"
        pg -d "$DB" <<SQL
TRUNCATE account, journal_entry, idempotency_key, transfer, outbox, saga_credit;
INSERT INTO account (id, owner, currency, balance, created_at)
    SELECT 'pg-00000000-0000-0000-0000-' || lpad(g::text, 12, '0'), 'bench', 'EUR', $balance, 0 FROM generate_series(1, $n) g;
VACUUM ANALYZE account;
SQL
        { echo "SET FOREIGN_KEY_CHECKS = 0; TRUNCATE journal_entry; TRUNCATE idempotency_key; TRUNCATE transfer; TRUNCATE outbox; TRUNCATE saga_credit; TRUNCATE account; SET FOREIGN_KEY_CHECKS = 1;"
          echo "INSERT INTO account (id, owner, currency, balance, created_at) VALUES"
          seq 1 "$n" | awk -v b="$balance" -v n="$n" '{ printf "(\x27my-00000000-0000-0000-0000-%012d\x27, \x27bench\x27, \x27EUR\x27, %s, 0)%s\n", $1, b, ($1 < n ? "," : ";") }'
          echo "ANALYZE TABLE account;"
        } | my "$DB" >/dev/null
        ;;
    stats)
        pg -d "$DB" -F= -c "SELECT 'pg_wal_sync', wal_sync FROM pg_stat_wal" \
            -c "SELECT 'pg_wal_bytes', wal_bytes FROM pg_stat_wal" \
            -c "SELECT 'pg_xact_commit', xact_commit FROM pg_stat_database WHERE datname = current_database()"
        # Questions: statements sent by clients, one round trip each with Connector/J (no multi-statements)
        my -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_os_log_fsyncs', 'Innodb_data_fsyncs', 'Innodb_log_writes', 'Questions',
            'Com_select', 'Com_update', 'Com_insert', 'Com_commit', 'Com_rollback', 'Com_set_option',
            'Com_xa_start', 'Com_xa_end', 'Com_xa_prepare', 'Com_xa_commit')" \
            | awk '{ print "my_" tolower($1) "=" $2 }'
        ;;
    audit)
        pg -d "$DB" -F= -c "SELECT 'pg_sum', coalesce(sum(balance), 0) FROM account" \
            -c "SELECT 'pg_accounts', count(*) FROM account" \
            -c "SELECT 'pg_negative', count(*) FROM account WHERE balance < 0" \
            -c "SELECT 'pg_journal', count(*) FROM journal_entry" \
            -c "SELECT 'pg_prepared', count(*) FROM pg_prepared_xacts"
        my "$DB" -e "SELECT 'my_sum', coalesce(sum(balance), 0) FROM account;
                     SELECT 'my_accounts', count(*) FROM account;
                     SELECT 'my_negative', count(*) FROM account WHERE balance < 0;
                     SELECT 'my_journal', count(*) FROM journal_entry;" | awk -F'\t' '{ print $1 "=" $2 }'
        echo "my_prepared=$(my -e 'XA RECOVER' | wc -l)"
        echo "pg_txlog_transactions=$(bash "$0" txlog | awk -F= '{ n += $2 } END { print n + 0 }')"
        ;;
    pg-set|pg-reset)
        command="$1"; shift
        for kv in "$@"; do
            if [ "$command" = pg-set ]; then pg -d postgres -c "ALTER SYSTEM SET ${kv%%=*} = '${kv#*=}'"; else pg -d postgres -c "ALTER SYSTEM RESET ${kv%%=*}"; fi
        done
        pg -d postgres -c "SELECT pg_reload_conf()" >/dev/null
        ;;
    txlog)
        for t in $(pg -d "$DB" -c "SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%jbosststxtable'"); do
            echo "$t=$(pg -d "$DB" -c "SELECT count(*) FROM $t WHERE typename LIKE '%AtomicAction%'")"
        done
        ;;
    versions)
        echo "postgres_version=$(pg -d postgres -c 'SHOW server_version')"
        echo "postgres_settings=$(pg -d postgres -c "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
            WHERE name IN ('fsync', 'synchronous_commit', 'commit_delay', 'commit_siblings', 'wal_sync_method', 'full_page_writes', 'max_prepared_transactions', 'shared_buffers', 'max_connections')")"
        echo "mariadb_version=$(my -e 'SELECT VERSION()')"
        echo "mariadb_settings=$(my -e "SELECT GROUP_CONCAT(CONCAT(LOWER(VARIABLE_NAME), '=', VARIABLE_VALUE) ORDER BY VARIABLE_NAME SEPARATOR ' ')
            FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME IN ('INNODB_FLUSH_LOG_AT_TRX_COMMIT', 'SYNC_BINLOG', 'LOG_BIN',
            'INNODB_FLUSH_METHOD', 'INNODB_BUFFER_POOL_SIZE', 'INNODB_DOUBLEWRITE', 'MAX_CONNECTIONS')")"
        ;;
    sagas)
        pg_counts="$(pg -d "$DB" -F' ' -c "SELECT (SELECT count(*) FROM transfer WHERE status = 'PENDING'), (SELECT coalesce(sum(held), 0) FROM account)")"
        # "sagas postgres": the PostgreSQL ledger alone (while MariaDB is down, for the sagas it debits)
        if [ "${2:-}" = postgres ]; then my_counts="0 0"; else
        my_counts="$(my "$DB" -e "SELECT (SELECT count(*) FROM transfer WHERE status = 'PENDING'), (SELECT coalesce(sum(held), 0) FROM account)")"; fi
        echo "$pg_counts $my_counts" | awk '{ print $1 + $3, $2 + $4 }'
        ;;
    outbox)
        pg_counts="$(pg -d "$DB" -F' ' -c "SELECT count(*), count(*) FILTER (WHERE sent_at IS NULL) FROM outbox")"
        my_counts="$(my "$DB" -e "SELECT count(*), coalesce(sum(sent_at IS NULL), 0) FROM outbox")"
        echo "$pg_counts $my_counts" | awk '{ print $1 + $3, $2 + $4 }'
        ;;
    *) echo "usage: db.sh create | seed <n> <balance> | stats | audit | versions | outbox | sagas" >&2; exit 2 ;;
esac
