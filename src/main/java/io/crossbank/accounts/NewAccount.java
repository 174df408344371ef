package io.crossbank.accounts;

import jakarta.validation.constraints.NotBlank;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.crossbank.ApiDocument;

/** Body of POST /accounts. Ledger, owner, currency and amount are checked by {@link AccountService}. */
@Schema(description = "An account to open")
public record NewAccount(
        @Schema(description = "The ledger (database) that holds the account", enumeration = { "postgres", "mysql" }, example = "postgres")
        @NotBlank(message = "is required: \"postgres\" or \"mysql\"") String ledger,
        @Schema(description = "Who owns the account: 1 to 200 printable characters (stored stripped)", maxLength = 200, example = "Ada Lovelace")
        @NotBlank(message = "is required") String owner,
        @Schema(description = "An ISO 4217 currency code in upper case", pattern = "^[A-Z]{3}$", example = "EUR")
        @NotBlank(message = "is required, an ISO 4217 code such as \"EUR\"") String currency,
        @Schema(description = "A JSON string: a decimal with at most two fraction digits, at most crossbank.transfers.max-amount "
                + "(1000000000.00 by default); 0.00 when absent", pattern = ApiDocument.AMOUNT_PATTERN, defaultValue = "0.00", example = "100.00")
        String initialBalance) {
}
