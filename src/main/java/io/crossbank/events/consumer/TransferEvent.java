package io.crossbank.events.consumer;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.crossbank.events.TransferEvents;

/**
 * A transfer event as the consumer applies it, checked against the contract in docs/events.md. Only
 * {@code io.crossbank.transfer.committed} moves money in the consumer's read model (its {@code entries}); a saga's
 * {@code …pending} and {@code …compensated} are recorded in the inbox with no effect (money held, then given back,
 * never moved). Whatever does not pass is a {@link PoisonMessage}: no redelivery could ever apply it.
 */
record TransferEvent(String eventId, String transferId, String type, String currency, BigDecimal amount, List<Entry> entries) {

    /** One side of the transfer: the account, its ledger, and whether it was debited or credited. */
    record Entry(String ledger, String account, boolean debit) {
    }

    /** A message no attempt can apply: not JSON, not a CloudEvent 1.0, another type, or data that is not a transfer. */
    static final class PoisonMessage extends Exception {

        PoisonMessage(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The event types a transfer has, and the status its data must show. */
    private static final Map<String, String> STATUS_OF_TYPE = Map.of(
            TransferEvents.TRANSFER_COMMITTED, "COMMITTED",
            TransferEvents.TRANSFER_PENDING, "PENDING",
            TransferEvents.TRANSFER_COMPENSATED, "COMPENSATED");

    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final int MAX_ID = 100;
    private static final int MAX_ACCOUNT = 40;

    static TransferEvent parse(byte[] body, String messageId, ObjectMapper mapper) throws PoisonMessage {
        JsonNode event;
        try {
            event = mapper.readTree(body);
        } catch (IOException e) {
            throw new PoisonMessage("the body is not JSON");
        }
        if (event == null || !event.isObject()) {
            throw new PoisonMessage("the body is not a JSON object");
        }
        if (!"1.0".equals(text(event, "specversion"))) {
            throw new PoisonMessage("specversion is not 1.0");
        }
        String id = required(event, "id", MAX_ID);
        if (messageId != null && !messageId.equals(id)) {
            throw new PoisonMessage("the AMQP message-id " + messageId + " is not the event id " + id);
        }
        String type = text(event, "type");
        String status = STATUS_OF_TYPE.get(type == null ? "" : type);
        if (status == null) {
            throw new PoisonMessage("type " + type + " is not one of " + STATUS_OF_TYPE.keySet());
        }
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            throw new PoisonMessage("data is not a JSON object");
        }
        String transferId = required(data, "id", MAX_ACCOUNT);
        if (!transferId.equals(text(event, "subject"))) {
            throw new PoisonMessage("subject is not the transfer id " + transferId);
        }
        if (!status.equals(text(data, "status"))) {
            throw new PoisonMessage("data.status is not " + status + " in a " + type + " event");
        }
        String from = required(data, "from", MAX_ACCOUNT);
        String to = required(data, "to", MAX_ACCOUNT);
        String currency = text(data, "currency");
        if (currency == null || !CURRENCY.matcher(currency).matches()) {
            throw new PoisonMessage("data.currency is not a three-letter code");
        }
        BigDecimal amount = amount(data);
        List<Entry> entries = TransferEvents.TRANSFER_COMMITTED.equals(type) ? entries(data, from, to) : List.of();
        return new TransferEvent(id, transferId, type, currency, amount, entries);
    }

    private static BigDecimal amount(JsonNode data) throws PoisonMessage {
        String text = text(data, "amount");
        try {
            BigDecimal amount = new BigDecimal(text);
            if (amount.signum() <= 0 || amount.scale() > 2 || amount.precision() - amount.scale() > 17) {
                throw new PoisonMessage("data.amount " + text + " is not a positive amount with at most two fraction digits");
            }
            return amount;
        } catch (NumberFormatException | NullPointerException e) {
            throw new PoisonMessage("data.amount is not a decimal string");
        }
    }

    private static List<Entry> entries(JsonNode data, String from, String to) throws PoisonMessage {
        JsonNode entries = data.get("entries");
        if (entries == null || !entries.isArray() || entries.size() != 2) {
            throw new PoisonMessage("data.entries is not the transfer's two sides");
        }
        List<Entry> sides = new ArrayList<>();
        for (JsonNode entry : entries) {
            String direction = text(entry, "direction");
            sides.add(new Entry(required(entry, "ledger", 20), required(entry, "account", MAX_ACCOUNT), "DEBIT".equals(direction)));
            if (!"DEBIT".equals(direction) && !"CREDIT".equals(direction)) {
                throw new PoisonMessage("an entry's direction is neither DEBIT nor CREDIT");
            }
        }
        boolean debitsFrom = sides.stream().anyMatch(e -> e.debit() && e.account().equals(from));
        boolean creditsTo = sides.stream().anyMatch(e -> !e.debit() && e.account().equals(to));
        if (!debitsFrom || !creditsTo || from.equals(to)) {
            throw new PoisonMessage("data.entries do not debit data.from and credit data.to");
        }
        return List.copyOf(sides);
    }

    private static String required(JsonNode node, String field, int maxLength) throws PoisonMessage {
        String value = text(node, field);
        if (value == null || value.isBlank() || value.length() > maxLength) {
            throw new PoisonMessage(field + " is missing, blank or longer than " + maxLength);
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
