package io.crossbank.ledger;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The ids Crossbank generates, and no other spelling of them: a transfer id is a lower-case UUID, an account id
 * its ledger's prefix and a lower-case UUID. Anything else is refused before it reaches SQL, so neither a
 * database's collation (case, trailing spaces) nor its reaction to odd bytes (PostgreSQL refuses NUL) can
 * decide what an id matches.
 */
public final class Ids {

    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** How an account id is described to a client whose id does not have that form. */
    public static final String ACCOUNT_ID_FORM = "an account id as POST /accounts returns it (\"pg-\" or \"my-\" and a lower-case UUID)";

    private Ids() {
    }

    public static String newTransferId() {
        return UUID.randomUUID().toString();
    }

    public static String newAccountId(LedgerName ledger) {
        return ledger.idPrefix() + UUID.randomUUID();
    }

    public static boolean isTransferId(String id) {
        return id != null && UUID_TEXT.matcher(id).matches();
    }

    static boolean isAccountIdOf(LedgerName ledger, String id) {
        return id != null && id.startsWith(ledger.idPrefix()) && UUID_TEXT.matcher(id).region(ledger.idPrefix().length(), id.length()).matches();
    }
}
