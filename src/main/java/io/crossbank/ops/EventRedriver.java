package io.crossbank.ops;

import java.sql.SQLException;
import java.time.Instant;
import java.util.OptionalLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.crossbank.events.EventRedrive;
import io.crossbank.events.StuckEvent;
import io.crossbank.ledger.Ids;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ops.OpsAudit.Action;
import io.crossbank.ops.OpsAudit.Outcome;
import io.crossbank.problems.DatabaseFailures;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;

/**
 * Re-drives one outbox event by hand ({@link EventRedrive}): a dry run (the default, as for every operator action)
 * changes nothing; a sent event is published again only with {@code republish}. Every attempt on an existing ledger
 * is audited.
 */
@ApplicationScoped
public class EventRedriver {

    private final EventRedrive redrive;
    private final OpsAudit audit;

    EventRedriver(EventRedrive redrive, OpsAudit audit) {
        this.redrive = redrive;
        this.audit = audit;
    }

    public Redrive redrive(LedgerName ledger, String eventId, boolean republish, boolean dryRun, String principal) {
        // Event ids are random UUIDs, the same form as transfer ids.
        if (!Ids.isTransferId(eventId)) {
            throw ProblemException.invalid("Not an event id: use the id GET /ops/events lists (a lower-case UUID), got \"" + eventId + "\"");
        }
        Action action = republish ? Action.REPUBLISH : Action.REDRIVE;
        EventRedrive.Result result;
        try {
            result = redrive.redrive(ledger, eventId, republish, dryRun);
        } catch (SQLException e) {
            record(principal, ledger, eventId, action, dryRun, Outcome.FAILED, "the ledger could not be read or written: "
                    + DatabaseFailures.summary(e));
            throw DatabaseFailures.classify(e).orElseGet(() -> new ProblemException(ProblemType.LEDGER_UNAVAILABLE,
                    "The outbox of ledger " + ledger.apiName() + " could not be read or written; nothing was changed. Retry later.", e));
        }
        switch (result.kind()) {
            case NOT_FOUND -> {
                record(principal, ledger, eventId, action, dryRun, Outcome.NOT_FOUND, "no such outbox row");
                throw new ProblemException(ProblemType.EVENT_NOT_FOUND, "The outbox of ledger " + ledger.apiName() + " holds no event '"
                        + eventId + "' (sent rows are pruned after crossbank.events.retention): see GET /ops/events");
            }
            case ALREADY_SENT -> {
                StuckEvent row = result.before().orElseThrow();
                String detail = "Event " + eventId + " of ledger " + ledger.apiName() + " was confirmed by the broker at " + row.sentAt()
                        + "; add republish=true to publish it once more (a duplicate for consumers that had it). Nothing was changed.";
                record(principal, ledger, eventId, Action.REDRIVE, dryRun, Outcome.REFUSED, detail);
                throw new ProblemException(ProblemType.EVENT_ALREADY_SENT, detail);
            }
            default -> {
                StuckEvent before = result.before().orElseThrow();
                // republish=true on an unsent row is a plain re-drive.
                Action done = before.sentAt() != null ? Action.REPUBLISH : Action.REDRIVE;
                String rows = (done == Action.REPUBLISH ? "the sent event " : "the unsent event ") + eventId + " (seq " + before.seq() + ", "
                        + before.attempts() + " attempt(s))"
                        + (result.olderMadeDue() > 0 ? " and the " + result.olderMadeDue() + " older waiting row(s) it waits behind" : "");
                String change = done == Action.REPUBLISH ? "mark unsent and due now " : "make due now ";
                Outcome outcome = dryRun ? Outcome.DRY_RUN : done == Action.REPUBLISH ? Outcome.REPUBLISHED : Outcome.REDRIVEN;
                String detail = dryRun ? "Would " + change + rows + "; nothing was changed. Repeat with dryRun=false to do it."
                        : (done == Action.REPUBLISH ? "Marked unsent and due now " : "Made due now ") + rows + "; the relay was woken.";
                OptionalLong auditId = record(principal, ledger, eventId, done, dryRun, outcome, detail);
                return new Redrive(ledger.apiName(), eventId, done, dryRun, outcome, detail, result.olderMadeDue(),
                        auditId.isPresent() ? auditId.getAsLong() : null, before, result.after().orElseThrow());
            }
        }
    }

    private OptionalLong record(String principal, LedgerName ledger, String eventId, Action action, boolean dryRun, Outcome outcome,
            String detail) {
        return audit.record(new OpsAudit.Entry(Instant.now(), principal, ledger, eventId, action, dryRun, null, outcome, detail));
    }
}
