package io.crossbank.recovery;

import java.util.List;
import java.util.stream.Collectors;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;


import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.crossbank.CrossbankConfig;

/** Refuses to start (when enforced) on a setup where two-phase commit could not be trusted. */
@ApplicationScoped
public class PreflightOnStartup {

    void check(@Observes @Priority(2) StartupEvent event, XaPreflight preflight,
            CrossbankConfig config) {
        boolean enforce = config.preflight().enforce();
        List<PreflightCheck> checks = preflight.run();
        checks.stream().filter(PreflightCheck::passed).forEach(c -> Log.infof("XA preflight ok: %s: %s", c.name(), c.detail()));
        List<PreflightCheck> failed = checks.stream().filter(c -> !c.passed()).toList();
        if (failed.isEmpty()) {
            return;
        }
        String report = failed.stream()
                .map(c -> c.name() + ": " + c.detail() + " -> fix: " + c.fix())
                .collect(Collectors.joining("\n  ", "XA preflight failed:\n  ", ""));
        if (enforce) {
            throw new IllegalStateException(report);
        }
        Log.warn(report);
    }
}
