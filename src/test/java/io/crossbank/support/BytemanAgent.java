package io.crossbank.support;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Where the Byteman agent jar (a test dependency) is. */
final class BytemanAgent {

    private BytemanAgent() {
    }

    static Path jar() {
        try {
            return Path.of(org.jboss.byteman.agent.Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
