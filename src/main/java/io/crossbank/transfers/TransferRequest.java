package io.crossbank.transfers;

import jakarta.validation.constraints.NotBlank;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.crossbank.ApiDocument;

/** Body of POST /transfers; {@code mode} is optional (the configured default, "xa"). */
@Schema(description = "A transfer to make")
public record TransferRequest(
        @Schema(description = "The id of the account to debit, as POST /accounts returned it",
                pattern = ApiDocument.ACCOUNT_ID_PATTERN, example = ApiDocument.PG_ACCOUNT_EXAMPLE)
        @NotBlank(message = "is required: the id of the account to debit") String from,
        @Schema(description = "The id of the account to credit, in the same currency; another account than from",
                pattern = ApiDocument.ACCOUNT_ID_PATTERN, example = ApiDocument.MY_ACCOUNT_EXAMPLE)
        @NotBlank(message = "is required: the id of the account to credit") String to,
        @Schema(description = "A JSON string: a positive decimal with at most two fraction digits, at most "
                + "crossbank.transfers.max-amount (1000000000.00 by default)", pattern = ApiDocument.AMOUNT_PATTERN, example = "12.34")
        @NotBlank(message = "is required, as a decimal string such as \"12.34\"") String amount,
        @Schema(description = "How the transfer is carried out: one XA transaction (xa) or a saga of local transactions with a "
                + "compensation (saga); absent: crossbank.transfers.default-mode", enumeration = { "xa", "saga" }, example = "xa")
        String mode) {

    public TransferRequest(String from, String to, String amount) {
        this(from, to, amount, null);
    }
}
