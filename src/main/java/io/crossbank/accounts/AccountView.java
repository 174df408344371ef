package io.crossbank.accounts;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.crossbank.ApiDocument;
import io.crossbank.ledger.Account;
import io.crossbank.ledger.Amounts;
import io.crossbank.ledger.LedgerName;

@Schema(description = "An account")
public record AccountView(
        @Schema(required = true, description = "The account id: pg- (postgres ledger) or my- (mysql ledger) and a UUID",
                pattern = ApiDocument.ACCOUNT_ID_PATTERN, example = ApiDocument.PG_ACCOUNT_EXAMPLE) String id,
        @Schema(required = true, enumeration = { "postgres", "mysql" }, example = "postgres") String ledger,
        @Schema(required = true, example = "Ada Lovelace") String owner,
        @Schema(required = true, description = "ISO 4217 code", example = "EUR") String currency,
        @Schema(required = true, description = "The available money: a decimal string with two fraction digits", example = "100.00")
        String balance,
        @Schema(required = true, description = "Money reserved by outgoing sagas not settled yet (not available, still the "
                + "account's): a decimal string with two fraction digits", example = "0.00") String held,
        @Schema(required = true, description = "Frozen by an operator: the account neither sends nor receives") boolean frozen,
        @Schema(required = true) Instant createdAt) {

    static AccountView of(Account account) {
        return new AccountView(account.id, LedgerName.ofAccountId(account.id).orElseThrow().apiName(), account.owner,
                account.currency, Amounts.format(account.balance), Amounts.format(account.held), account.frozenAt != null,
                account.createdAt);
    }
}
