package io.crossbank.ledger;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.crossbank.CrossbankConfig;

/**
 * The currencies of accounts seen by transfers. An account's currency never changes and its id is never reused, so
 * what is known stays true; a transfer still never trusts it alone: its conditional UPDATEs carry the currency, so a
 * wrong entry can only fail a transfer, never move money across currencies. Bounded by
 * {@code crossbank.transfers.currency-cache-size}: when full it is emptied and refills from the transfers that follow
 * (one extra read each), which is cheaper than tracking recency on every transfer.
 */
@ApplicationScoped
public class AccountCurrencies {

    private final Map<String, String> known = new ConcurrentHashMap<>();
    private final int capacity;

    AccountCurrencies(CrossbankConfig config) {
        this.capacity = config.transfers().currencyCacheSize();
    }

    public Optional<String> of(String accountId) {
        return Optional.ofNullable(known.get(accountId));
    }

    /** Called once a conditional UPDATE has matched the account's row with this currency. */
    public void remember(String accountId, String currency) {
        if (capacity <= 0) {
            return;
        }
        if (known.size() >= capacity && !known.containsKey(accountId)) {
            known.clear();
        }
        known.put(accountId, currency);
    }
}
