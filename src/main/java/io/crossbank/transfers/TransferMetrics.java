package io.crossbank.transfers;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** {@code crossbank_transfers_seconds{route,outcome}}: a timer, hence also a counter, per route and outcome. */
@ApplicationScoped
public class TransferMetrics {

    public enum Route {
        CROSS_LEDGER("cross-ledger"), SAME_LEDGER("same-ledger"), UNROUTED("unrouted");

        final String tag;

        Route(String tag) {
            this.tag = tag;
        }
    }

    public enum Outcome {
        COMMITTED, REPLAYED, REJECTED, FAILED;

        String tag() {
            return name().toLowerCase();
        }
    }

    private final MeterRegistry registry;

    TransferMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(Route route, Outcome outcome, long startNanos) {
        Timer.builder("crossbank.transfers")
                .description("Transfer requests by route and outcome")
                .tag("route", route.tag)
                .tag("outcome", outcome.tag())
                .publishPercentileHistogram()
                .register(registry)
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
}
