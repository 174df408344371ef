package io.crossbank.events;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.crossbank.CrossbankConfig;
import io.crossbank.ledger.Ledger;
import io.crossbank.ledger.OutboxEvent;

/**
 * Writes a transfer's event into the outbox of the ledger it debits, inside the caller's (XA) transaction: the
 * event commits with the transfer or vanishes with it. Once that transaction has committed, the relay is woken so
 * that the event does not wait for its next poll.
 */
@ApplicationScoped
public class TransferEvents {

    public static final String TRANSFER_COMMITTED = "io.crossbank.transfer.committed";
    /** A saga accepted: its debit is held (step 1). */
    public static final String TRANSFER_PENDING = "io.crossbank.transfer.pending";
    /** A saga undone: its credit was refused and the held money given back. */
    public static final String TRANSFER_COMPENSATED = "io.crossbank.transfer.compensated";

    private final ObjectMapper mapper;
    private final TransactionSynchronizationRegistry registry;
    private final OutboxRelay relay;
    private final String source;

    TransferEvents(ObjectMapper mapper, TransactionSynchronizationRegistry registry, OutboxRelay relay, CrossbankConfig config,
            @ConfigProperty(name = "quarkus.transaction-manager.node-name") String nodeName) {
        this.mapper = mapper;
        this.registry = registry;
        this.relay = relay;
        this.source = config.events().source().orElse("/crossbank/" + nodeName);
    }

    /**
     * Adds the {@value #TRANSFER_COMMITTED} event of a transfer to {@code ledger}'s outbox, in the current
     * transaction. Call it after the debited account's row is locked, so that the transfers debiting one account
     * get their outbox sequence in commit order.
     *
     * @param data the transfer as GET /transfers/{id} shows it
     */
    public void transferCommitted(Ledger ledger, String transferId, Instant time, Object data) {
        transferEvent(ledger, TRANSFER_COMMITTED, transferId, time, data);
    }

    /**
     * Adds an event of this type ({@value #TRANSFER_COMMITTED}, {@value #TRANSFER_PENDING},
     * {@value #TRANSFER_COMPENSATED}) to {@code ledger}'s outbox, in the current transaction, with the same contract as
     * {@link #transferCommitted}.
     */
    public void transferEvent(Ledger ledger, String type, String transferId, Instant time, Object data) {
        OutboxEvent event = new OutboxEvent();
        event.eventId = UUID.randomUUID().toString();
        event.aggregateId = transferId;
        event.type = type;
        event.payload = cloudEvent(event.eventId, type, transferId, time, data);
        event.createdAt = time;
        event.nextAttemptAt = time;
        ledger.addOutboxEvent(event);
        registry.registerInterposedSynchronization(new WakeRelayOnCommit(relay));
    }

    /** A CloudEvents 1.0 event in structured JSON mode. */
    private String cloudEvent(String id, String type, String subject, Instant time, Object data) {
        ObjectNode event = mapper.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", id);
        event.put("source", source);
        event.put("type", type);
        event.put("subject", subject);
        event.put("time", time.toString());
        event.put("datacontenttype", "application/json");
        event.set("data", mapper.valueToTree(data));
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a transfer event could not be written as JSON", e);
        }
    }

    private record WakeRelayOnCommit(OutboxRelay relay) implements Synchronization {

        @Override
        public void beforeCompletion() {
        }

        @Override
        public void afterCompletion(int status) {
            if (status == Status.STATUS_COMMITTED) {
                relay.wake();
            }
        }
    }
}
