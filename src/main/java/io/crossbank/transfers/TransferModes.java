package io.crossbank.transfers;

import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import io.crossbank.ledger.TransferRecord;

/** The executor of each transfer mode: every {@link TransferExecutor} bean, by the mode it declares. */
@ApplicationScoped
class TransferModes {

    private final Map<TransferRecord.Mode, TransferExecutor> executors = new EnumMap<>(TransferRecord.Mode.class);

    TransferModes(Instance<TransferExecutor> all) {
        for (TransferExecutor executor : all) {
            TransferExecutor earlier = executors.put(executor.mode(), executor);
            if (earlier != null) {
                throw new IllegalStateException("Two executors for mode " + executor.mode() + ": " + earlier + " and " + executor);
            }
        }
    }

    TransferExecutor of(TransferRecord.Mode mode) {
        TransferExecutor executor = executors.get(mode);
        if (executor == null) {
            throw new IllegalStateException("No executor for mode " + mode);
        }
        return executor;
    }
}
