package io.crossbank.ops.indoubt;

/** Who will resolve a prepared branch, and therefore whether an operator may. */
public enum Classification {
    PENDING_RECOVERY(false, "This node logged the decision to commit; its recovery manager will commit the branch."),
    ORPHAN(false, "This node's branch without a logged decision: presumed abort. Recovery rolls it back once it has been "
            + "seen for the orphan safety interval."),
    HEURISTIC(true, "This node's log records a heuristic outcome for the transaction: recovery will not decide it; "
            + "an operator must, after checking the other ledger."),
    FOREIGN_NODE(true, "Prepared by another Narayana node: only that instance's recovery resolves it (same node name, same "
            + "object store). Resolve it by hand only if that instance is gone for good."),
    FOREIGN_FORMAT(true, "Not a Narayana Xid (another transaction manager, or a PREPARE TRANSACTION typed by hand): no "
            + "recovery of this service will ever resolve it."),
    MARKED_COMMIT(false, "This node logged the transaction with a commit-markable ledger, whose marker row exists: that "
            + "ledger committed, and recovery commits this branch."),
    UNMARKED_ROLLBACK(false, "This node logged the transaction with a commit-markable ledger, which has no marker row for it: "
            + "that ledger never committed, and recovery rolls this branch back (unless the coordinator is still committing it, "
            + "which takes milliseconds)."),
    UNDETERMINED(false, "This node's branch, but its transaction log could not be read: see the service log.");

    private final boolean manualResolution;
    private final String explanation;

    Classification(boolean manualResolution, String explanation) {
        this.manualResolution = manualResolution;
        this.explanation = explanation;
    }

    /** Whether an operator may commit or roll back the branch: only where no recovery of this service will. */
    public boolean manualResolution() {
        return manualResolution;
    }

    public String explanation() {
        return explanation;
    }
}
