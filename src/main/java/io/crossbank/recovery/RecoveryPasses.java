package io.crossbank.recovery;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.arjuna.ats.arjuna.recovery.RecoveryManager;

import io.quarkus.runtime.StartupEvent;

/**
 * This instance's completed recovery passes, periodic or asked for: how many and when the last one ended. Empty
 * while recovery is disabled. The metrics and the operators' status read it.
 */
@ApplicationScoped
public class RecoveryPasses {

    private final boolean enabled;
    private volatile RecoveryPassCounter counter;

    RecoveryPasses(@ConfigProperty(name = "quarkus.transaction-manager.enable-recovery") boolean enabled) {
        this.enabled = enabled;
    }

    void register(@Observes StartupEvent startup) {
        if (enabled) {
            RecoveryPassCounter passes = new RecoveryPassCounter();
            RecoveryManager.manager().addModule(passes);
            counter = passes;
        }
    }

    public boolean enabled() {
        return enabled;
    }

    public long completed() {
        RecoveryPassCounter passes = counter;
        return passes == null ? 0 : passes.passes();
    }

    public Optional<Instant> lastCompletedAt() {
        RecoveryPassCounter passes = counter;
        return passes == null ? Optional.empty() : Optional.ofNullable(passes.lastCompletedAt());
    }
}
