package io.crossbank.ledger;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.hibernate.orm.PersistenceUnit;

/**
 * The ledger registry: each ledger's name, persistence unit and XA datasource, the one place that knows which is
 * which. Everything that needs "this ledger's connection" or "the other ledger" asks here.
 */
@ApplicationScoped
public class Ledgers {

    private final Map<LedgerName, Ledger> byName = new EnumMap<>(LedgerName.class);

    Ledgers(@PersistenceUnit("postgres") EntityManager postgres, @DataSource("postgres") AgroalDataSource postgresDataSource,
            @PersistenceUnit("mysql") EntityManager mysql, @DataSource("mysql") AgroalDataSource mysqlDataSource) {
        byName.put(LedgerName.POSTGRES, new Ledger(LedgerName.POSTGRES, postgres, postgresDataSource));
        byName.put(LedgerName.MYSQL, new Ledger(LedgerName.MYSQL, mysql, mysqlDataSource));
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
