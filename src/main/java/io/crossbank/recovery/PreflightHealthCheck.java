package io.crossbank.recovery;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness reports each XA prerequisite, so an operator sees which one broke and how to fix it. */
@Readiness
@ApplicationScoped
public class PreflightHealthCheck implements HealthCheck {

    private final XaPreflight preflight;

    PreflightHealthCheck(XaPreflight preflight) {
        this.preflight = preflight;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("XA preflight").up();
        for (PreflightCheck check : preflight.run()) {
            if (check.passed()) {
                response.withData(check.name(), "OK: " + check.detail());
            } else {
                response.down().withData(check.name(), "FAILED: " + check.detail() + "; fix: " + check.fix());
            }
        }
        return response.build();
    }
}
