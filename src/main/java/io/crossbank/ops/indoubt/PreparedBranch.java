package io.crossbank.ops.indoubt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

import io.crossbank.ledger.LedgerName;

/**
 * One prepared, undecided branch as a ledger's database reports it. It holds the locks of every row it wrote
 * until someone commits or rolls it back.
 *
 * @param xid        absent only for a PostgreSQL gid that pgjdbc did not write
 * @param postgresGid the gid in pg_prepared_xacts (PostgreSQL only)
 * @param owner      the database user that prepared it (PostgreSQL only; MySQL does not say)
 * @param since      when it was prepared (PostgreSQL), or first seen by this instance (MySQL keeps no time)
 */
public record PreparedBranch(LedgerName ledger, Optional<BranchXid> xid, Optional<String> postgresGid, Optional<String> owner,
        Instant since, Since sinceMeans) {

    public enum Since {
        /** PostgreSQL's pg_prepared_xacts.prepared. */
        PREPARED,
        /** MySQL's XA RECOVER has no prepare time: the first scan of this instance that saw the branch. */
        FIRST_SEEN_BY_THIS_INSTANCE
    }

    /** Stable, URL-safe: the Xid in hex ({@link BranchXid#id()}), or "gid-" and the hex of a foreign PostgreSQL gid. */
    public String id() {
        return xid.map(BranchXid::id)
                .orElseGet(() -> "gid-" + HexFormat.of().formatHex(postgresGid.orElseThrow().getBytes(StandardCharsets.UTF_8)));
    }

    public Duration age(Instant now) {
        Duration age = Duration.between(since, now);
        return age.isNegative() ? Duration.ZERO : age;
    }
}
