package io.crossbank.benchload;

import java.util.Map;
import java.util.TreeMap;

/** The drivers' command line: key=value words, as run.sh writes them. */
final class Args {

    private Args() {
    }

    static Map<String, String> of(String[] argv) {
        Map<String, String> args = new TreeMap<>();
        for (String a : argv) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not key=value: " + a);
            }
            args.put(a.substring(0, eq), a.substring(eq + 1));
        }
        return args;
    }
}
