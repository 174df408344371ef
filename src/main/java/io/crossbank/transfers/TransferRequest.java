package io.crossbank.transfers;

import jakarta.validation.constraints.NotBlank;

/** Body of POST /transfers; {@code mode} is optional (the configured default, "xa"). */
public record TransferRequest(
        @NotBlank(message = "is required: the id of the account to debit") String from,
        @NotBlank(message = "is required: the id of the account to credit") String to,
        @NotBlank(message = "is required, as a decimal string such as \"12.34\"") String amount,
        String mode) {

    public TransferRequest(String from, String to, String amount) {
        this(from, to, amount, null);
    }
}
