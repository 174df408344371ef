package io.crossbank.accounts;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;


import io.crossbank.ledger.Account;
import io.crossbank.ledger.Amounts;
import io.crossbank.ledger.Currencies;
import io.crossbank.ledger.Ids;
import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.Ledger;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ledger.Ledgers;
import io.crossbank.problems.Paging;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.Text;
import io.crossbank.CrossbankConfig;

@ApplicationScoped
public class AccountService {

    private static final int MAX_OWNER_LENGTH = 200;

    private final Ledgers ledgers;
    private final BigDecimal maxInitialBalance;

    AccountService(Ledgers ledgers, CrossbankConfig config) {
        this.ledgers = ledgers;
        this.maxInitialBalance = config.accounts().maxInitialBalance();
    }

    /** Opens an account in one ledger: a local transaction on that database only. */
    @Transactional
    public AccountView open(NewAccount request) {
        LedgerName ledgerName = ledger(request.ledger());
        String owner = owner(request.owner());
        String currency = Currencies.parse(request.currency());
        BigDecimal balance = request.initialBalance() == null
                ? BigDecimal.ZERO.setScale(2)
                : Amounts.parse("initialBalance", request.initialBalance(), BigDecimal.ZERO, maxInitialBalance);
        Account account = new Account();
        account.id = Ids.newAccountId(ledgerName);
        account.owner = owner;
        account.currency = currency;
        account.balance = balance;
        account.held = BigDecimal.ZERO.setScale(2);
        account.createdAt = InstantMicros.now();
        ledgers.get(ledgerName).addAccount(account);
        return AccountView.of(account);
    }

    /** The result of a freeze or unfreeze: the account now, and whether this call changed it. */
    public record FrozenChange(AccountView account, boolean changed) {
    }

    /** Freezes or unfreezes an account (a local transaction on its ledger); unchanged when it already was. */
    @Transactional
    public FrozenChange setFrozen(String id, boolean frozen) {
        Ledger ledger = ledgers.holding(id).orElseThrow(() -> ProblemException.accountNotFound(id));
        if (ledger.accountState(id).isEmpty()) {
            throw ProblemException.accountNotFound(id);
        }
        boolean changed = ledger.setFrozen(id, frozen ? InstantMicros.now() : null);
        // Read after the update: an entity loaded before it would still show the old state.
        return new FrozenChange(ledger.findAccount(id).map(AccountView::of).orElseThrow(() -> ProblemException.accountNotFound(id)),
                changed);
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
                .orElseThrow(() -> ProblemException.invalid("ledger must be \"postgres\" or \"mysql\", got " + Text.quoted(name)));
    }

    /** Printable text of 1 to 200 characters (counted as the databases count them: code points), stored stripped. */
    private static String owner(String text) {
        Text.firstUnprintable(text).ifPresent(where -> {
            throw ProblemException.invalid("owner must be printable text without control or invisible characters; found " + where);
        });
        String owner = text.strip();
        int length = owner.codePointCount(0, owner.length());
        if (owner.isEmpty() || length > MAX_OWNER_LENGTH) {
            throw ProblemException.invalid("owner must have 1 to " + MAX_OWNER_LENGTH + " characters, got " + length);
        }
        return owner;
    }
}
