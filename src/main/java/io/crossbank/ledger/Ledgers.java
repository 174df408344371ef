package io.crossbank.ledger;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.quarkus.hibernate.orm.PersistenceUnit;

/** The two ledgers, each bound to its own persistence unit and XA datasource. */
@ApplicationScoped
public class Ledgers {

    private final Map<LedgerName, Ledger> byName = new EnumMap<>(LedgerName.class);

    Ledgers(@PersistenceUnit("postgres") EntityManager postgres, @PersistenceUnit("mysql") EntityManager mysql) {
        byName.put(LedgerName.POSTGRES, new Ledger(LedgerName.POSTGRES, postgres));
        byName.put(LedgerName.MYSQL, new Ledger(LedgerName.MYSQL, mysql));
    }

    public Ledger get(LedgerName name) {
        return byName.get(name);
    }

    /** The ledger holding an account with this id, judged by the id's prefix. */
    public Optional<Ledger> holding(String accountId) {
        return LedgerName.ofAccountId(accountId).map(byName::get);
    }

    public List<Ledger> all() {
        return List.copyOf(byName.values());
    }
}
