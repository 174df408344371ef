package io.crossbank.ledger;

import java.util.Arrays;
import java.util.Optional;

/**
 * The two ledgers. The API name is also the name of the datasource, persistence unit and Flyway folder.
 * Account ids start with the ledger's prefix, so an id alone says which database holds it.
 */
public enum LedgerName {
    POSTGRES("postgres", "pg-"),
    MYSQL("mysql", "my-");

    private final String apiName;
    private final String idPrefix;

    LedgerName(String apiName, String idPrefix) {
        this.apiName = apiName;
        this.idPrefix = idPrefix;
    }

    public String apiName() {
        return apiName;
    }

    public String idPrefix() {
        return idPrefix;
    }

    public LedgerName other() {
        return this == POSTGRES ? MYSQL : POSTGRES;
    }

    public static Optional<LedgerName> fromApiName(String name) {
        return Arrays.stream(values()).filter(l -> l.apiName.equals(name)).findFirst();
    }

    /** The ledger an account id belongs to; empty unless the id has exactly the form Crossbank generates. */
    public static Optional<LedgerName> ofAccountId(String accountId) {
        return Arrays.stream(values()).filter(l -> Ids.isAccountIdOf(l, accountId)).findFirst();
    }

    @Override
    public String toString() {
        return apiName;
    }
}
