package io.crossbank.bench;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;

/**
 * The one switch of the benchmark-only endpoints: {@code crossbank.bench.baseline.enabled}, false unless
 * src/bench/run.sh turns it on for its own private instance. The same key activates the non-XA
 * "bench-*" datasources (see application.properties), so with it off no bench pool even exists.
 */
@ApplicationScoped
public class BenchSwitch {

    private final boolean enabled;

    BenchSwitch(@ConfigProperty(name = "crossbank.bench.baseline.enabled", defaultValue = "false") boolean enabled) {
        this.enabled = enabled;
    }

    /** Answers as if the path did not exist unless the benchmark switched the endpoints on. */
    void requireEnabled() {
        if (!enabled) {
            throw new ProblemException(ProblemType.NOT_FOUND, "There is nothing at this path.");
        }
    }
}
