package io.crossbank.transfers;

import java.util.List;
import java.util.regex.Pattern;

import io.crossbank.problems.ProblemException;
import io.crossbank.problems.Text;

/**
 * The {@code Idempotency-Key} request header: absent, or exactly one of 1 to 200 printable ASCII characters without
 * spaces. An empty or repeated header is refused rather than read as "no key" or "the first one": either would let
 * a retry move the money twice.
 */
final class IdempotencyKey {

    static final String HEADER = "Idempotency-Key";
    static final int MAX_LENGTH = 200;
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1," + MAX_LENGTH + "}");

    private IdempotencyKey() {
    }

    /** @return the key, or null when the request has none */
    static String of(List<String> headerValues) {
        if (headerValues == null || headerValues.isEmpty()) {
            return null;
        }
        if (headerValues.size() > 1) {
            throw ProblemException.invalid(HEADER + " must be sent once, got " + headerValues.size() + " headers");
        }
        String key = headerValues.get(0);
        if (key == null || key.isEmpty()) {
            throw ProblemException.invalid(HEADER + " must not be empty: send 1 to " + MAX_LENGTH
                    + " printable ASCII characters, or no header for a transfer without one");
        }
        if (!KEY.matcher(key).matches()) {
            throw ProblemException.invalid(HEADER + " must be 1 to " + MAX_LENGTH + " printable ASCII characters without spaces, got "
                    + (key.length() > MAX_LENGTH ? key.length() + " characters" : Text.quoted(key)));
        }
        return key;
    }
}
