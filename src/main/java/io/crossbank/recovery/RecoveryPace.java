package io.crossbank.recovery;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.arjuna.ats.arjuna.common.recoveryPropertyManager;
import com.arjuna.ats.arjuna.recovery.RecoveryManager;
import com.arjuna.ats.internal.jta.recovery.arjunacore.RecoveryXids;
import com.arjuna.ats.jta.common.jtaPropertyManager;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.crossbank.CrossbankConfig;

/**
 * Applies {@link CrossbankConfig.Recovery} to Narayana. Quarkus 3.33 has no configuration keys for them, and its
 * recovery manager is already running when application code first runs; Narayana however reads the
 * period and back-off from its environment bean before every wait, and the orphan safety interval through
 * {@link RecoveryXids#setSafetyIntervalMillis(int)}, so setting them here, first thing at startup, takes
 * effect from the first recovery pass on.
 */
@ApplicationScoped
public class RecoveryPace {

    void apply(@Observes @Priority(1) StartupEvent event, CrossbankConfig config) {
        CrossbankConfig.Recovery settings = config.recovery();
        var recovery = recoveryPropertyManager.getRecoveryEnvironmentBean();
        recovery.setPeriodicRecoveryPeriod(seconds(settings.period().toMillis()));
        recovery.setRecoveryBackoffPeriod(seconds(settings.backoff().toMillis()));
        int safetyMillis = (int) settings.orphanSafetyInterval().toMillis();
        jtaPropertyManager.getJTAEnvironmentBean().setOrphanSafetyInterval(safetyMillis);
        RecoveryXids.setSafetyIntervalMillis(safetyMillis);
        Log.infof("Recovery pace: a pass every %ss, %ss between its phases, orphans presumed aborted after %sms",
                recovery.getPeriodicRecoveryPeriod(), recovery.getRecoveryBackoffPeriod(), safetyMillis);
    }

    /**
     * Narayana's recovery thread makes its first pass during boot and then waits the period it read at that moment. On a
     * loaded machine that pass can end before {@link #apply} (and before the ledgers' recovery helpers are registered), and
     * the thread then waits out Narayana's default 120 s: in-doubt work left by a crash would wait two minutes. A pass
     * requested once the application has started ends that wait (Narayana wakes its thread after every pass), so the
     * configured period counts from here whatever happened during boot. Asynchronous: startup does not wait for the pass.
     */
    void wakeRecoveryThread(@Observes @Priority(5000) StartupEvent event) {
        RecoveryManager.manager().scan(() -> Log.debug("Recovery pass after startup done"));
    }

    /** Narayana counts both in whole seconds; anything shorter than a second rounds up to one. */
    private static int seconds(long millis) {
        return (int) Math.max(1, (millis + 999) / 1000);
    }
}
