package io.crossbank.ledger;

import java.util.Currency;
import java.util.regex.Pattern;

import io.crossbank.problems.ProblemException;
import io.crossbank.problems.Text;

/**
 * The currencies an account may hold: ISO 4217 codes whose minor unit has two digits (EUR, USD, GBP, CHF…).
 * Every amount is stored with exactly two fraction digits, so a currency with none (JPY), three (KWD) or no minor
 * unit at all (XAU, XXX) would be held at the wrong scale; such codes are refused rather than stored wrongly.
 */
public final class Currencies {

    private static final Pattern CODE = Pattern.compile("[A-Z]{3}");

    private Currencies() {
    }

    public static String parse(String code) {
        if (code == null || !CODE.matcher(code).matches()) {
            throw ProblemException.invalid("currency must be an ISO 4217 code of three upper-case letters such as \"EUR\", got "
                    + Text.quoted(code));
        }
        Currency currency;
        try {
            currency = Currency.getInstance(code);
        } catch (IllegalArgumentException unknown) {
            throw ProblemException.invalid("currency " + code + " is not an ISO 4217 code");
        }
        int digits = currency.getDefaultFractionDigits();
        if (digits != 2) {
            throw ProblemException.invalid("currency " + code + (digits < 0 ? " has no minor unit" : " has " + digits + " minor digits")
                    + "; accounts hold amounts with exactly two (such as EUR, USD or GBP)");
        }
        return code;
    }
}
