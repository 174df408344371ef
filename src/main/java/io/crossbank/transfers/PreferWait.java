package io.crossbank.transfers;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code wait} preference of the {@code Prefer} request header (RFC 7240 section 4.3: seconds, a non-negative
 * integer), bounded by the configured maximum. Like any preference, one that cannot be read is ignored (section 2),
 * and other preferences are too.
 */
final class PreferWait {

    static final String PREFER = "Prefer";
    static final String APPLIED = "Preference-Applied";
    private static final Pattern SECONDS = Pattern.compile("\"?([0-9]{1,9})\"?");

    private PreferWait() {
    }

    /** The wait asked for, at most {@code max}; empty when no header asks for one (or none can be read). */
    static Optional<Duration> of(List<String> headerValues, Duration max) {
        if (headerValues == null) {
            return Optional.empty();
        }
        for (String header : headerValues) {
            for (String preference : header.split(",")) {
                String[] nameAndValue = preference.split(";", 2)[0].split("=", 2);
                if (nameAndValue.length == 2 && nameAndValue[0].strip().toLowerCase(Locale.ROOT).equals("wait")) {
                    var seconds = SECONDS.matcher(nameAndValue[1].strip());
                    if (seconds.matches()) {
                        Duration wait = Duration.ofSeconds(Long.parseLong(seconds.group(1)));
                        return Optional.of(wait.compareTo(max) > 0 ? max : wait);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The Preference-Applied value for a wait. */
    static String applied(Duration wait) {
        return "wait=" + wait.toSeconds();
    }
}
