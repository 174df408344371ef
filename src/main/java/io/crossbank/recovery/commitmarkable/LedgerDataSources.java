package io.crossbank.recovery.commitmarkable;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Singleton;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.cache.LocalConnectionCache;
import io.agroal.api.configuration.AgroalDataSourceConfiguration;
import io.agroal.api.configuration.supplier.AgroalConnectionPoolConfigurationSupplier;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.narayana.NarayanaTransactionIntegration;
import io.crossbank.CrossbankConfig;
import io.crossbank.ledger.LedgerName;
import io.quarkus.agroal.DataSource;
import io.quarkus.logging.Log;

/**
 * Each ledger's datasource as everything else sees it ({@code @DataSource("postgres")}, {@code @DataSource("mysql")}:
 * the ledger's persistence unit, its Flyway, {@code Ledgers}). Normally that is the XA pool Quarkus builds. For the
 * ledger chosen by {@code crossbank.xa.commit-markable-ledger} it is a pool of plain (non-XA) connections to the same
 * database, with the same settings, whose connections join a JTA transaction as Narayana's commit-markable resource.
 * <p>
 * Why not a Quarkus datasource of its own: Quarkus builds every datasource's transaction integration with
 * {@code connectable = false} and no name, which enlists a non-XA connection as a plain last resource (LRCO: a crash
 * between its commit and the log write leaves the outcome unknown). Agroal's integration built here with
 * {@code connectable = true} and the ledger's commit-markable name enlists a {@code ConnectableLocalXAResource}, which
 * Narayana turns into a {@code CommitMarkableResourceRecord}. And the persistence unit is bound to the datasource
 * name at build time, so the choice at start is made here, where that name is resolved: these producers are
 * alternatives that win over Quarkus's own beans for the two names. Agroal's resource is wrapped on enlistment
 * ({@link EnlistingTransactionManager}) so that a local commit whose answer was lost is judged by its marker row
 * ({@link MarkerCheckingResource}).
 */
@Alternative
@Priority(1)
@Singleton
public class LedgerDataSources {

    /** The commit-markable pool built here, if any: Quarkus closes its own pools, this one is closed here. */
    private final Set<AgroalDataSource> own = ConcurrentHashMap.newKeySet();

    @Produces
    @Singleton
    @DataSource("postgres")
    AgroalDataSource postgres(CrossbankConfig config, TransactionManager tm, TransactionSynchronizationRegistry tsr, BeanManager beans) {
        return of(LedgerName.POSTGRES, quarkusPool(beans, LedgerName.POSTGRES), config, tm, tsr);
    }

    @Produces
    @Singleton
    @DataSource("mysql")
    AgroalDataSource mysql(CrossbankConfig config, TransactionManager tm, TransactionSynchronizationRegistry tsr, BeanManager beans) {
        return of(LedgerName.MYSQL, quarkusPool(beans, LedgerName.MYSQL), config, tm, tsr);
    }

    void closePostgres(@Disposes @DataSource("postgres") AgroalDataSource dataSource) {
        closeIfOwn(LedgerName.POSTGRES, dataSource);
    }

    void closeMysql(@Disposes @DataSource("mysql") AgroalDataSource dataSource) {
        closeIfOwn(LedgerName.MYSQL, dataSource);
    }

    /** Quarkus's own bean for the ledger's name: the one these producers win over (a lookup by name would find them). */
    private static AgroalDataSource quarkusPool(BeanManager beans, LedgerName ledger) {
        Bean<?> quarkus = beans.getBeans(AgroalDataSource.class, new DataSource.DataSourceLiteral(ledger.apiName())).stream()
                .filter(bean -> bean.getBeanClass() != LedgerDataSources.class)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No Quarkus datasource named " + ledger.apiName()));
        return (AgroalDataSource) beans.getReference(quarkus, AgroalDataSource.class, beans.createCreationalContext(quarkus));
    }

    private AgroalDataSource of(LedgerName ledger, AgroalDataSource xa, CrossbankConfig config, TransactionManager tm,
            TransactionSynchronizationRegistry tsr) {
        AgroalDataSource chosen = xa;
        if (config.xa().commitMarkableLedger().is(ledger)) {
            requireNarayanaReady(ledger);
            AtomicReference<javax.sql.DataSource> self = new AtomicReference<>();
            TransactionManager enlisting = new EnlistingTransactionManager(tm, self::get);
            chosen = new io.agroal.pool.DataSource(commitMarkableConfiguration(ledger, xa.getConfiguration(), enlisting, tsr));
            self.set(chosen);
            own.add(chosen);
            Log.infof("Ledger %s joins cross-ledger transactions as a commit-markable resource (%s); the other ledger stays XA",
                    ledger.apiName(), CommitMarkableNames.of(ledger));
        }
        return chosen;
    }

    /*
     * Without its name in Narayana's list the connection would be enlisted as a plain last resource (LRCO): the
     * guarantee would be lost silently. (The recovery module that reads the marker rows is checked by the preflight,
     * once the recovery manager runs.)
     */
    private static void requireNarayanaReady(LedgerName ledger) {
        if (!CommitMarkableNames.installed(ledger)) {
            throw new IllegalStateException("crossbank.xa.commit-markable-ledger=" + ledger.apiName() + " but Narayana does not list "
                    + CommitMarkableNames.of(ledger) + " as commit-markable (or does not treat Agroal's resource as a last resource) -> start the application through io.crossbank.CrossbankMain"
                    + " (the packaged jar does), or set -D" + CommitMarkableNames.PROPERTY + "=\"" + String.join(" ", CommitMarkableNames.all()) + "\""
                    + " and -D" + CommitMarkableNames.LAST_RESOURCE_PROPERTY + "=org.jboss.tm.LastResource");
        }
    }

    /** The XA pool's own settings (URL, login, sizes, timeouts, session SQL, validation, exception sorter), on the plain driver. */
    static AgroalDataSourceConfiguration commitMarkableConfiguration(LedgerName ledger, AgroalDataSourceConfiguration xa,
            TransactionManager tm, TransactionSynchronizationRegistry tsr) {
        AgroalConnectionPoolConfigurationSupplier pool = new AgroalConnectionPoolConfigurationSupplier(xa.connectionPoolConfiguration())
                // A cache of its own: the copied one belongs to the XA pool.
                .connectionCache(LocalConnectionCache.single())
                .transactionIntegration(new NarayanaTransactionIntegration(tm, tsr, CommitMarkableNames.of(ledger), true))
                .recoveryEnable(false);
        pool.connectionFactoryConfiguration(factory -> factory.connectionProviderClass(driver(ledger)));
        return new AgroalDataSourceConfigurationSupplier()
                .metricsEnabled(xa.metricsEnabled())
                .connectionPoolConfiguration(pool)
                .get();
    }

    private static Class<?> driver(LedgerName ledger) {
        return switch (ledger) {
            case POSTGRES -> org.postgresql.Driver.class;
            case MYSQL -> com.mysql.cj.jdbc.Driver.class;
        };
    }

    private void closeIfOwn(LedgerName ledger, AgroalDataSource dataSource) {
        if (own.remove(dataSource)) {
            dataSource.close();
        }
    }
}
