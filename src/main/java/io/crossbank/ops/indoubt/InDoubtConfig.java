package io.crossbank.ops.indoubt;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "crossbank.in-doubt")
public interface InDoubtConfig {

    /** Readiness turns DOWN once a prepared branch of either ledger has been in doubt longer than this. */
    @WithDefault("120s")
    Duration maxAge();

    /** How old the scan behind the metrics and the readiness check may be before it is repeated. */
    @WithDefault("5s")
    Duration scanInterval();
}
