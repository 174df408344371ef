package io.crossbank.transfers;

import jakarta.validation.constraints.NotBlank;

/** Body of POST /transfers. */
public record TransferRequest(
        @NotBlank(message = "is required: the id of the account to debit") String from,
        @NotBlank(message = "is required: the id of the account to credit") String to,
        @NotBlank(message = "is required, as a decimal string such as \"12.34\"") String amount) {
}
