package io.crossbank.recovery;

import java.util.Locale;
import java.util.Optional;

/**
 * With Narayana's JDBC object store every node needs a table of its own (the table has no node column), and a pod's
 * name, which becomes its node name, is no SQL identifier ("crossbank-0"). Unless a prefix is set, one is derived from
 * the node name before Quarkus starts, so that a StatefulSet needs no per-pod setting: crossbank-0 logs to
 * {@code crossbank_0_jbosststxtable}.
 */
public final class TxlogTablePrefix {

    static final String TYPE = "quarkus.transaction-manager.object-store.type";
    static final String PREFIX = "quarkus.transaction-manager.object-store.table-prefix";
    static final String NODE = "quarkus.transaction-manager.node-name";

    private TxlogTablePrefix() {
    }

    /** The table prefix derived from a node name: lower case, anything but letters and digits an underscore. */
    public static String of(String nodeName) {
        return nodeName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_";
    }

    /** Sets the derived prefix as a system property when the JDBC store is chosen, a node name given and no prefix set. */
    public static void install() {
        boolean jdbc = setting(TYPE).map(type -> type.equalsIgnoreCase("jdbc")).orElse(false);
        Optional<String> node = setting(NODE);
        if (jdbc && node.isPresent() && setting(PREFIX).isEmpty()) {
            System.setProperty(PREFIX, of(node.get()));
        }
    }

    /* A system property or its environment variable: the two sources set before the configuration exists. */
    private static Optional<String> setting(String key) {
        String env = key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        return Optional.ofNullable(System.getProperty(key)).or(() -> Optional.ofNullable(System.getenv(env))).filter(v -> !v.isBlank());
    }
}
