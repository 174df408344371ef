package io.crossbank.ops.nodes;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.crossbank.transfers.TransferGate;

/** DOWN from the moment a drain starts: the Service stops sending this instance requests while it finishes its work. */
@Readiness
@ApplicationScoped
public class DrainHealthCheck implements HealthCheck {

    private final Drain drain;
    private final TransferGate gate;

    DrainHealthCheck(Drain drain, TransferGate gate) {
        this.drain = drain;
        this.gate = gate;
    }

    @Override
    public HealthCheckResponse call() {
        Drain.State state = drain.state();
        return HealthCheckResponse.named("drain").status(state == Drain.State.RUNNING).withData("state", state.name())
                .withData("transfersInFlight", gate.inFlight()).build();
    }
}
