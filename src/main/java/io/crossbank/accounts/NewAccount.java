package io.crossbank.accounts;

import jakarta.validation.constraints.NotBlank;

/** Body of POST /accounts. Ledger, owner, currency and amount are checked by {@link AccountService}. */
public record NewAccount(
        @NotBlank(message = "is required: \"postgres\" or \"mysql\"") String ledger,
        @NotBlank(message = "is required") String owner,
        @NotBlank(message = "is required, an ISO 4217 code such as \"EUR\"") String currency,
        String initialBalance) {
}
