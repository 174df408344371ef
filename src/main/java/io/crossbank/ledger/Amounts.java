package io.crossbank.ledger;

import java.math.BigDecimal;
import java.util.regex.Pattern;

import io.crossbank.problems.ProblemException;
import io.crossbank.problems.Text;

/**
 * Money on the wire: a JSON string holding a plain decimal with at most two fraction digits, e.g. "12.34", "5" or
 * "0.5". No sign, exponent, leading zeros, spaces, or a third fraction digit (not even "1.000"): what the
 * client wrote is exactly what is stored, in a NUMERIC(19, 2) / DECIMAL(19, 2) column.
 */
public final class Amounts {

    /** The grammar of an amount, also documented in the OpenAPI schema. */
    public static final String PATTERN = "^(0|[1-9][0-9]{0,16})(\\.[0-9]{1,2})?$";
    private static final Pattern DECIMAL = Pattern.compile(PATTERN);

    private Amounts() {
    }

    /**
     * Parses a client-supplied amount, rejecting anything that is not of the grammar above, below {@code min} or
     * above {@code max}.
     */
    public static BigDecimal parse(String field, String text, BigDecimal min, BigDecimal max) {
        if (text == null || text.isEmpty()) {
            throw ProblemException.invalid(field + " is required, as a decimal string such as \"12.34\"");
        }
        if (!DECIMAL.matcher(text).matches()) {
            throw ProblemException.invalid(field + " must be a decimal string with at most two fraction digits, no sign,"
                    + " exponent or leading zeros, such as \"12.34\"; got " + Text.quoted(text));
        }
        BigDecimal amount = new BigDecimal(text);
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
}
