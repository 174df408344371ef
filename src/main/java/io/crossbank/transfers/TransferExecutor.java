package io.crossbank.transfers;

import io.crossbank.ledger.TransferRecord;

/**
 * Applies a validated transfer to the ledgers in one mode, all or nothing. {@link XaTransferExecutor} does it in one
 * XA transaction; another mode (a saga) is another implementation, found by {@link TransferModes}.
 */
public interface TransferExecutor {

    TransferRecord.Mode mode();

    TransferOutcome execute(TransferCommand command);
}
