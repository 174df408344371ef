package io.crossbank.recovery.commitmarkable;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.jboss.tm.LastResource;

import com.arjuna.ats.arjuna.recovery.RecoveryManager;
import com.arjuna.ats.internal.jta.recovery.arjunacore.CommitMarkableResourceRecordRecoveryModule;
import com.arjuna.ats.internal.jta.resources.arjunacore.CommitMarkableResourceRecord;
import com.arjuna.ats.jta.common.jtaPropertyManager;

import io.crossbank.ledger.LedgerName;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The names under which Narayana knows each ledger as a commit-markable resource. Narayana reads the list once,
 * before application code runs: {@code TransactionImple} when its class is first used, the recovery module when
 * the recovery manager creates it at boot. So {@link #install()} runs from the main method, and both ledgers are
 * always listed, whichever one is chosen: a log record written while one mode was on must still be recoverable
 * after a restart in another. Both properties only concern resources that implement {@code org.jboss.tm.LastResource}
 * and are enlisted under one of these names: in mode {@code none} there are none.
 */
// Narayana loads these by name: the recovery module from quarkus.transaction-manager.recovery-modules, the record when
// it restores a logged transaction, the marker interface from the property below. A native image needs them registered.
@RegisterForReflection(targets = { CommitMarkableResourceRecordRecoveryModule.class, CommitMarkableResourceRecord.class, LastResource.class })
public final class CommitMarkableNames {

    public static final String PROPERTY = "JTAEnvironmentBean.commitMarkableResourceJNDINames";
    /**
     * Narayana only considers a resource for commit-marking if it implements the last-resource marker interface, and
     * its default marker is its own {@code LastResourceCommitOptimisation}, which Agroal's resources do not implement:
     * without this, the connectable resource is enlisted as an ordinary XA participant whose prepare does nothing.
     * (Quarkus sets Agroal's class here only with {@code unsafe-multiple-last-resources}.) Agroal's local resources
     * implement {@code org.jboss.tm.LastResource}; no other resource enlisted here does.
     */
    public static final String LAST_RESOURCE_PROPERTY = "JTAEnvironmentBean.lastResourceOptimisationInterfaceClassName";
    static final String LAST_RESOURCE_INTERFACE = "org.jboss.tm.LastResource";

    private CommitMarkableNames() {
    }

    /** The JNDI-style name of a ledger's commit-markable resource, written into Narayana's log. */
    public static String of(LedgerName ledger) {
        return "java:/crossbank/" + ledger.apiName() + "-commit-markable";
    }

    /** The ledger a commit-markable name (as logged) belongs to. */
    public static Optional<LedgerName> ledgerOf(String name) {
        return Arrays.stream(LedgerName.values()).filter(l -> of(l).equals(name)).findFirst();
    }

    public static List<String> all() {
        return List.of(of(LedgerName.POSTGRES), of(LedgerName.MYSQL));
    }

    /** Must run before Quarkus boots (see the class comment); Quarkus hands system properties to Narayana. */
    public static void install() {
        System.setProperty(PROPERTY, String.join(" ", all()));
        System.setProperty(LAST_RESOURCE_PROPERTY, LAST_RESOURCE_INTERFACE);
    }

    /** Whether Narayana enlists this ledger's connectable resource as a commit-markable one (not as plain LRCO). */
    public static boolean installed(LedgerName ledger) {
        var jta = jtaPropertyManager.getJTAEnvironmentBean();
        Class<?> lastResource = jta.getLastResourceOptimisationInterface();
        return jta.getCommitMarkableResourceJNDINames().contains(of(ledger))
                && lastResource != null && lastResource.isAssignableFrom(io.agroal.narayana.ConnectableLocalXAResource.class);
    }

    /** Whether the recovery manager runs the module that reads the marker rows (quarkus.transaction-manager.recovery-modules). */
    public static boolean recoveryModuleRunning() {
        var modules = RecoveryManager.manager().getModules();
        return modules != null && modules.stream().anyMatch(CommitMarkableResourceRecordRecoveryModule.class::isInstance);
    }
}
