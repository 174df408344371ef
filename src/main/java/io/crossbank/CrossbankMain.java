package io.crossbank;

import io.crossbank.recovery.LedgerXaResourceNames;
import io.crossbank.recovery.TxlogTablePrefix;
import io.crossbank.recovery.commitmarkable.CommitMarkableNames;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts Crossbank. Narayana reads some settings once, from system properties, while Quarkus boots and
 * before any application bean exists (its recovery manager runs its first pass during startup); those are
 * set here, before Quarkus starts; so is the JDBC object store's table prefix derived from the node name.
 */
@QuarkusMain
public class CrossbankMain {

    public static void main(String... args) {
        LedgerXaResourceNames.install();
        CommitMarkableNames.install();
        TxlogTablePrefix.install();
        Quarkus.run(args);
    }
}
