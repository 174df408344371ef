package io.crossbank.recovery;

/** The outcome of one XA prerequisite check; {@code fix} says what to do when it failed. */
public record PreflightCheck(String name, boolean passed, String detail, String fix) {

    static PreflightCheck passed(String name, String detail) {
        return new PreflightCheck(name, true, detail, null);
    }

    static PreflightCheck failed(String name, String detail, String fix) {
        return new PreflightCheck(name, false, detail, fix);
    }
}
