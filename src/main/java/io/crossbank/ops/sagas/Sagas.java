package io.crossbank.ops.sagas;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.crossbank.ledger.Amounts;
import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.Ledger;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;
import io.crossbank.ledger.SagaCredit;
import io.crossbank.ledger.TransferRecord;
import io.crossbank.problems.DatabaseFailures;
import io.crossbank.problems.Paging;
import io.crossbank.problems.ProblemException;
import io.crossbank.transfers.TransferView;
import io.quarkus.logging.Log;

/**
 * The sagas of both ledgers as operators read them (GET /ops/sagas): the records in the debited ledgers, joined with
 * the deciding rows of the credited ones. Plain JDBC outside any transaction, so a ledger that cannot be read is
 * reported as such and the other one is still listed.
 */
@ApplicationScoped
public class Sagas {

    /** The filter of GET /ops/sagas. */
    public enum State {
        /** pending and stuck: the default. */
        UNFINISHED("status = 'PENDING'", "CASE WHEN stuck_at IS NULL THEN 1 ELSE 0 END, created_at, id"),
        PENDING("status = 'PENDING' AND stuck_at IS NULL", "created_at, id"),
        STUCK("status = 'PENDING' AND stuck_at IS NOT NULL", "created_at, id"),
        COMMITTED("status = 'COMMITTED'", "settled_at DESC, id"),
        COMPENSATED("status = 'COMPENSATED'", "settled_at DESC, id");

        final String condition;
        final String order;

        State(String condition, String order) {
            this.condition = condition;
            this.order = order;
        }

        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static State of(String value) {
            if (value == null || value.isEmpty()) {
                return UNFINISHED;
            }
            for (State state : values()) {
                if (state.apiName().equals(value)) {
                    return state;
                }
            }
            throw ProblemException.invalid("state must be one of pending, stuck, committed, compensated (or absent: unfinished), got \""
                    + value + "\"");
        }

        Comparator<SagaView> comparator() {
            Comparator<SagaView> byId = Comparator.comparing(SagaView::id);
            return switch (this) {
                case UNFINISHED -> Comparator.comparing((SagaView s) -> s.stuckAt() == null).thenComparing(SagaView::createdAt).thenComparing(byId);
                case PENDING, STUCK -> Comparator.comparing(SagaView::createdAt).thenComparing(byId);
                case COMMITTED, COMPENSATED -> Comparator.comparing(SagaView::settledAt, Comparator.reverseOrder()).thenComparing(byId);
            };
        }
    }

    static final String COLUMNS = "id, from_account, to_account, amount, currency, status, reason, created_at, updated_at, saga_step,"
            + " attempts, next_attempt_at, lease_owner, lease_until, last_error, stuck_at, settled_at";
    private static final String UNFINISHED_COUNTS = "SELECT count(*), count(stuck_at), min(created_at) FROM transfer"
            + " WHERE mode = 'SAGA' AND status = 'PENDING'";

    private final Ledgers ledgers;

    Sagas(Ledgers ledgers) {
        this.ledgers = ledgers;
    }

    public SagaPage list(String stateFilter, Paging paging) {
        State state = State.of(stateFilter);
        Instant now = InstantMicros.now();
        int wanted = paging.offset() + paging.size();
        List<TransferRecord> merged = new ArrayList<>();
        List<SagaLedger> summaries = new ArrayList<>();
        long total = 0;
        for (Ledger ledger : ledgers.all()) {
            String name = ledger.name().apiName();
            try (Connection c = ledger.dataSource().getConnection()) {
                Counts counts = unfinished(c);
                total += count(c, state);
                merged.addAll(select(c, state, wanted));
                summaries.add(SagaLedger.readable(name, counts.pending(), counts.stuck(), counts.oldestSeconds(now)));
            } catch (SQLException e) {
                String summary = DatabaseFailures.summary(e);
                Log.warnf("GET /ops/sagas could not read the sagas of ledger %s: %s", name, summary);
                summaries.add(SagaLedger.unreadable(name, summary));
            }
        }
        List<SagaView> views = withDecisions(merged);
        views.sort(state.comparator());
        List<SagaView> page = views.size() <= paging.offset() ? List.of() : views.subList(paging.offset(), Math.min(views.size(), wanted));
        return new SagaPage(List.copyOf(page), paging.page(), paging.size(), total, state.apiName(), summaries);
    }

    /**
     * The saga with this id, looked up in both ledgers (its record is in the debited one).
     *
     * @throws SQLException when it is in neither readable ledger and a ledger could not be read
     */
    public Optional<TransferRecord> find(String id) throws SQLException {
        SQLException unreadable = null;
        for (Ledger ledger : ledgers.all()) {
            try (Connection c = ledger.dataSource().getConnection();
                    PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM transfer WHERE id = ? AND mode = 'SAGA'")) {
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        return Optional.of(record(rs));
                    }
                }
            } catch (SQLException e) {
                unreadable = e;
            }
        }
        if (unreadable != null) {
            throw unreadable;
        }
        return Optional.empty();
    }

    /** The deciding row of a saga, read in its credited ledger. */
    public Optional<SagaCredit> decision(TransferRecord saga) throws SQLException {
        Ledger credited = ledgers.holding(saga.toAccount).orElseThrow();
        try (Connection c = credited.dataSource().getConnection()) {
            return Optional.ofNullable(decisions(c, List.of(saga.id)).get(saga.id));
        }
    }

    /** The saga as GET /ops/sagas shows it; {@code decision} null: none yet; absent: not known. */
    static SagaView view(TransferRecord saga, Optional<SagaCredit> decision, boolean known) {
        String decided = !known ? "UNKNOWN" : decision.map(d -> d.outcome.name()).orElse("NONE");
        String state = switch (saga.status) {
            case PENDING -> saga.stuckAt == null ? "pending" : "stuck";
            case COMMITTED -> "committed";
            case COMPENSATED -> "compensated";
        };
        return new SagaView(saga.id, LedgerName.ofAccountId(saga.fromAccount).orElseThrow().apiName(), saga.fromAccount, saga.toAccount,
                Amounts.format(saga.amount), saga.currency, state, saga.status.name(), saga.sagaStep == null ? null : saga.sagaStep.name(),
                decided, saga.attempts, saga.lastError, saga.stuckAt, saga.leaseOwner, saga.leaseUntil, saga.nextAttemptAt, saga.reason,
                saga.createdAt, saga.updatedAt, saga.settledAt, TransferView.sagaSteps(saga, known ? decision : Optional.empty()));
    }

    private List<SagaView> withDecisions(List<TransferRecord> sagas) {
        Map<Ledger, List<TransferRecord>> byCredited = sagas.stream()
                .collect(Collectors.groupingBy(s -> ledgers.holding(s.toAccount).orElseThrow()));
        Map<String, SagaCredit> decisions = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<Ledger, List<TransferRecord>> credited : byCredited.entrySet()) {
            List<String> ids = credited.getValue().stream().map(s -> s.id).toList();
            try (Connection c = credited.getKey().dataSource().getConnection()) {
                decisions.putAll(decisions(c, ids));
            } catch (SQLException e) {
                Log.debugf("GET /ops/sagas could not read the deciding rows of ledger %s: %s", credited.getKey().name(),
                        DatabaseFailures.summary(e));
                unknown.addAll(ids);
            }
        }
        List<SagaView> views = new ArrayList<>();
        for (TransferRecord saga : sagas) {
            views.add(view(saga, Optional.ofNullable(decisions.get(saga.id)), !unknown.contains(saga.id)));
        }
        return views;
    }

    private static Map<String, SagaCredit> decisions(Connection c, Collection<String> ids) throws SQLException {
        Map<String, SagaCredit> found = new HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
        try (PreparedStatement s = c.prepareStatement("SELECT transfer_id, outcome, reason, created_at FROM saga_credit WHERE transfer_id IN ("
                + marks + ")")) {
            int i = 1;
            for (String id : ids) {
                s.setString(i++, id);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    SagaCredit d = new SagaCredit();
                    d.transferId = rs.getString(1);
                    d.outcome = SagaCredit.Outcome.valueOf(rs.getString(2));
                    d.reason = rs.getString(3);
                    d.createdAt = InstantMicros.fromMicros(rs.getLong(4));
                    found.put(d.transferId, d);
                }
            }
        }
        return found;
    }

    record Counts(long pending, long stuck, long oldestMicros) {
        double oldestSeconds(Instant now) {
            return oldestMicros == 0 ? 0 : Math.max(0, InstantMicros.toMicros(now) - oldestMicros) / 1_000_000.0;
        }
    }

    /** The pending sagas a ledger debits, how many of them are stuck, the creation time of the oldest (0: none). */
    static Counts unfinished(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(UNFINISHED_COUNTS); ResultSet rs = s.executeQuery()) {
            rs.next();
            long oldest = rs.getLong(3);
            return new Counts(rs.getLong(1), rs.getLong(2), rs.wasNull() ? 0 : oldest);
        }
    }

    private static long count(Connection c, State state) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM transfer WHERE mode = 'SAGA' AND " + state.condition);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<TransferRecord> select(Connection c, State state, int limit) throws SQLException {
        List<TransferRecord> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM transfer WHERE mode = 'SAGA' AND " + state.condition
                + " ORDER BY " + state.order + " LIMIT ?")) {
            s.setInt(1, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(record(rs));
                }
            }
        }
        return rows;
    }

    /** The row at the cursor, selected as {@link #COLUMNS}. */
    static TransferRecord record(ResultSet rs) throws SQLException {
        TransferRecord r = new TransferRecord();
        r.id = rs.getString(1);
        r.mode = TransferRecord.Mode.SAGA;
        r.fromAccount = rs.getString(2);
        r.toAccount = rs.getString(3);
        BigDecimal amount = rs.getBigDecimal(4);
        r.amount = amount;
        r.currency = rs.getString(5);
        r.status = TransferRecord.Status.valueOf(rs.getString(6));
        r.reason = rs.getString(7);
        r.createdAt = InstantMicros.fromMicros(rs.getLong(8));
        r.updatedAt = InstantMicros.fromMicros(rs.getLong(9));
        String step = rs.getString(10);
        r.sagaStep = step == null ? null : TransferRecord.SagaStep.valueOf(step);
        r.attempts = rs.getInt(11);
        r.nextAttemptAt = micros(rs, 12);
        r.leaseOwner = rs.getString(13);
        r.leaseUntil = micros(rs, 14);
        r.lastError = rs.getString(15);
        r.stuckAt = micros(rs, 16);
        r.settledAt = micros(rs, 17);
        return r;
    }

    private static Instant micros(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : InstantMicros.fromMicros(value);
    }
}
