package io.crossbank.accounts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.crossbank.ledger.Account;
import io.crossbank.ledger.Amounts;
import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.Ledger;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;
import io.crossbank.problems.Paging;
import io.crossbank.problems.ProblemException;

@ApplicationScoped
public class AccountService {

    private final Ledgers ledgers;
    private final BigDecimal maxAmount;

    AccountService(Ledgers ledgers, @ConfigProperty(name = "crossbank.transfers.max-amount") BigDecimal maxAmount) {
        this.ledgers = ledgers;
        this.maxAmount = maxAmount;
    }

    /** Opens an account in one ledger: a local transaction on that database only. */
    @Transactional
    public AccountView open(NewAccount request) {
        LedgerName ledgerName = ledger(request.ledger());
        String currency = currency(request.currency());
        BigDecimal balance = request.initialBalance() == null
                ? BigDecimal.ZERO.setScale(2)
                : Amounts.parse("initialBalance", request.initialBalance(), BigDecimal.ZERO, maxAmount);
        Account account = new Account();
        account.id = ledgerName.idPrefix() + UUID.randomUUID();
        account.owner = request.owner().strip();
        account.currency = currency;
        account.balance = balance;
        account.createdAt = InstantMicros.now();
        ledgers.get(ledgerName).addAccount(account);
        return AccountView.of(account);
    }

    public Optional<AccountView> find(String id) {
        return ledgers.holding(id).flatMap(ledger -> ledger.findAccount(id)).map(AccountView::of);
    }

    /**
     * A page of accounts ordered by id. Without a ledger, the mysql ledger's accounts ("my-…") come before
     * the postgres ledger's ("pg-…"), which is also their id order.
     */
    public AccountPage list(String ledgerName, Paging paging) {
        List<Ledger> scope = ledgerName == null
                ? List.of(ledgers.get(LedgerName.MYSQL), ledgers.get(LedgerName.POSTGRES))
                : List.of(ledgers.get(ledger(ledgerName)));
        long offset = paging.offset();
        int size = paging.size();
        long total = 0;
        List<AccountView> items = new ArrayList<>();
        for (Ledger ledger : scope) {
            long count = ledger.countAccounts();
            long skip = Math.max(0, offset - total);
            int wanted = size - items.size();
            if (wanted > 0 && skip < count) {
                ledger.accounts((int) skip, wanted).forEach(a -> items.add(AccountView.of(a)));
            }
            total += count;
        }
        return new AccountPage(items, paging.page(), size, total);
    }

    private static LedgerName ledger(String name) {
        return LedgerName.fromApiName(name)
                .orElseThrow(() -> ProblemException.invalid("ledger must be \"postgres\" or \"mysql\", got \"" + name + "\""));
    }

    private static String currency(String code) {
        boolean known = code.length() == 3 && Currency.getAvailableCurrencies().stream()
                .anyMatch(c -> c.getCurrencyCode().equals(code));
        if (!known) {
            throw ProblemException.invalid("currency must be an ISO 4217 code in upper case such as \"EUR\", got \"" + code + "\"");
        }
        return code;
    }
}
