package io.crossbank.transfers;

/**
 * Applies a validated transfer to the ledgers, all or nothing. {@link XaTransferExecutor} does it in one
 * XA transaction; another mode (e.g. a saga) would be another implementation.
 */
public interface TransferExecutor {

    TransferView execute(TransferCommand command);
}
