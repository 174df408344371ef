package io.crossbank.accounts;

import java.time.Instant;

import io.crossbank.ledger.Account;
import io.crossbank.ledger.Amounts;
import io.crossbank.ledger.LedgerName;

public record AccountView(String id, String ledger, String owner, String currency, String balance, Instant createdAt) {

    static AccountView of(Account account) {
        return new AccountView(account.id, LedgerName.ofAccountId(account.id).orElseThrow().apiName(), account.owner,
                account.currency, Amounts.format(account.balance), account.createdAt);
    }
}
