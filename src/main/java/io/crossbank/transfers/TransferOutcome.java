package io.crossbank.transfers;

/**
 * What a {@link TransferExecutor} did with a transfer: {@link Done} when it is applied (or refused) for good before
 * the answer, {@link Accepted} when the mode answers first and completes it later (202, status PENDING).
 */
public sealed interface TransferOutcome {

    TransferView transfer();

    record Done(TransferView transfer) implements TransferOutcome {
    }

    record Accepted(TransferView transfer) implements TransferOutcome {
    }
}
