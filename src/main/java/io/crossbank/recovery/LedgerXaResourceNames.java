package io.crossbank.recovery;

import javax.transaction.xa.XAResource;

import org.jboss.tm.XAResourceWrapper;

import com.arjuna.ats.internal.jta.resources.arjunacore.XAResourceRecord;
import com.arjuna.ats.internal.jta.resources.arjunacore.XAResourceRecordWrappingPlugin;
import com.arjuna.ats.jta.common.jtaPropertyManager;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Writes the ledger's name into each participant record of Narayana's log. Quarkus enlists the
 * datasources' XA resources without a name; a record without one that recovery cannot match to a
 * prepared branch (because the branch was already committed before a crash) stays in the log for ever,
 * warning ARJUNA016037/016038 at every pass (quarkusio/quarkus#35806). With a name, Narayana checks that
 * it reached that very resource manager during the pass and, the branch being unknown there, knows it
 * completed. An unreachable database is never "reached", so nothing is assumed while it is down.
 */
@RegisterForReflection // Narayana instantiates it by class name
public class LedgerXaResourceNames implements XAResourceRecordWrappingPlugin {

    static final String POSTGRES = "crossbank/postgres";
    static final String MYSQL = "crossbank/mysql";
    static final String PROPERTY = "JTAEnvironmentBean.xaResourceRecordWrappingPluginClassName";

    /**
     * Must run before Quarkus boots: Narayana's participant record reads the plugin once, when its class is
     * first used, which is during the recovery manager's first pass at startup.
     * <p>
     * The packaged app names the class in a system property, which Quarkus hands to Narayana with the rest
     * of its settings. In dev mode Narayana lives in Quarkus's base class loader, which cannot see
     * application classes: loading the class by name would fail (ARJUNA048004, with a stack trace at every
     * lookup), so Narayana gets an instance instead. Narayana's classes are not reloaded with the application,
     * so after a live reload they keep the first instance: an edit to this class needs a dev mode restart.
     */
    public static void install() {
        if (loadableByNarayana()) {
            System.setProperty(PROPERTY, LedgerXaResourceNames.class.getName());
        } else {
            jtaPropertyManager.getJTAEnvironmentBean().setXAResourceRecordWrappingPlugin(new LedgerXaResourceNames());
        }
    }

    /** Whether Narayana uses this plugin (false when Quarkus was started without {@link #install()}). */
    public static boolean installed() {
        return jtaPropertyManager.getJTAEnvironmentBean().getXAResourceRecordWrappingPlugin() instanceof LedgerXaResourceNames;
    }

    /** Narayana loads plugins with {@code Class.forName} from its own class loader. */
    private static boolean loadableByNarayana() {
        try {
            return Class.forName(LedgerXaResourceNames.class.getName(), false,
                    XAResourceRecordWrappingPlugin.class.getClassLoader()) == LedgerXaResourceNames.class;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Override
    public void transcribeWrapperData(XAResourceRecord record) {
        String name = nameOf(record.value());
        if (name != null) {
            record.setJndiName(name);
        }
    }

    @Override
    public Integer getEISName(XAResource xaResource) {
        return 0;
    }

    @Override
    public String getEISName(Integer eisName) {
        return "unknown eis name";
    }

    static String nameOf(Object resource) {
        Object current = resource;
        for (int depth = 0; depth < 4 && current != null; depth++) {
            if (current instanceof org.postgresql.xa.PGXAConnection) {
                return POSTGRES;
            }
            if (current instanceof com.mysql.cj.jdbc.MysqlXAConnection || current instanceof com.mysql.cj.jdbc.SuspendableXAConnection) {
                return MYSQL;
            }
            if (current instanceof XAResourceWrapper wrapper) {
                if (wrapper.getJndiName() != null) {
                    return wrapper.getJndiName();
                }
                current = wrapper.getResource();
            } else {
                return null;
            }
        }
        return null;
    }
}
