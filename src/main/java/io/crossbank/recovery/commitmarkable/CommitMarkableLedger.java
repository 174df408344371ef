package io.crossbank.recovery.commitmarkable;

import java.util.Optional;

import io.crossbank.ledger.LedgerName;

/**
 * Which ledger, if any, takes part in a cross-ledger XA transfer as Narayana's commit-markable resource: a local
 * transaction committed after the other ledger's XA branch has prepared, together with a marker row that tells
 * recovery the outcome. {@code none}: both ledgers are XA branches.
 */
public enum CommitMarkableLedger {
    NONE(null),
    MYSQL(LedgerName.MYSQL),
    POSTGRES(LedgerName.POSTGRES);

    private final LedgerName ledger;

    CommitMarkableLedger(LedgerName ledger) {
        this.ledger = ledger;
    }

    public Optional<LedgerName> ledger() {
        return Optional.ofNullable(ledger);
    }

    public boolean is(LedgerName name) {
        return ledger == name;
    }
}
