package io.crossbank.accounts;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Body of POST /accounts. Ledger, currency and amount are checked by {@link AccountService}. */
public record NewAccount(
        @NotBlank(message = "is required: \"postgres\" or \"mysql\"") String ledger,
        @NotBlank(message = "is required") @Size(max = 200, message = "must be at most 200 characters") String owner,
        @NotBlank(message = "is required, an ISO 4217 code such as \"EUR\"") String currency,
        String initialBalance) {
}
