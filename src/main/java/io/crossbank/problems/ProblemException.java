package io.crossbank.problems;

/** A failure the client is told about as a problem; thrown anywhere, answered by {@link ProblemMappers}. */
public class ProblemException extends RuntimeException {

    private final ProblemType type;

    public ProblemException(ProblemType type, String detail) {
        super(detail, null, false, false);
        this.type = type;
    }

    public ProblemException(ProblemType type, String detail, Throwable cause) {
        super(detail, cause, false, false);
        this.type = type;
    }

    public ProblemType type() {
        return type;
    }

    public Problem problem() {
        return Problem.of(type, getMessage());
    }

    public static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.INVALID_REQUEST, detail);
    }

    public static ProblemException accountFrozen(String accountId) {
        return new ProblemException(ProblemType.ACCOUNT_FROZEN, "Account " + accountId + " is frozen by an operator: it neither sends "
                + "nor receives money; nothing was changed");
    }

    public static ProblemException accountNotFound(String accountId) {
        return new ProblemException(ProblemType.ACCOUNT_NOT_FOUND, "No account with id " + Text.quoted(accountId));
    }
}
