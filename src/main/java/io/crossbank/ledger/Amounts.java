package io.crossbank.ledger;

import java.math.BigDecimal;
import java.util.regex.Pattern;

import io.crossbank.problems.ProblemException;

/** Money on the wire: a decimal string with at most two fraction digits, e.g. "12.34". */
public final class Amounts {

    private static final Pattern DECIMAL = Pattern.compile("-?\\d+(\\.\\d+)?");
    private static final int MAX_DIGITS = 20;

    private Amounts() {
    }

    /**
     * Parses a client-supplied amount, rejecting anything that is not a plain decimal with at most two
     * fraction digits, below {@code min} or above {@code max}.
     */
    public static BigDecimal parse(String field, String text, BigDecimal min, BigDecimal max) {
        if (text == null || text.isBlank()) {
            throw ProblemException.invalid(field + " is required, as a decimal string such as \"12.34\"");
        }
        if (text.length() > MAX_DIGITS + 2 || !DECIMAL.matcher(text).matches()) {
            throw ProblemException.invalid(field + " must be a decimal string such as \"12.34\", got \"" + abbreviate(text) + "\"");
        }
        BigDecimal amount = new BigDecimal(text);
        if (amount.stripTrailingZeros().scale() > 2) {
            throw ProblemException.invalid(field + " has more than 2 fraction digits: " + text);
        }
        if (amount.compareTo(min) < 0) {
            throw ProblemException.invalid(field + (min.signum() > 0 ? " must be positive" : " must not be negative") + ", got " + text);
        }
        if (amount.compareTo(max) > 0) {
            throw ProblemException.invalid(field + " must not exceed " + format(max) + ", got " + text);
        }
        return amount.setScale(2);
    }

    public static String format(BigDecimal amount) {
        return amount.setScale(2).toPlainString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 30 ? text : text.substring(0, 30) + "…";
    }
}
