package io.crossbank.problems;

import java.util.Optional;

/** Client-supplied text: what counts as printable, and how a value is shown back in a problem's detail. */
public final class Text {

    private static final int SHOWN_CODE_POINTS = 60;

    private Text() {
    }

    /**
     * Whether a character may appear in stored text: no control characters (NUL included, which PostgreSQL
     * refuses), no invisible format characters (bidirectional overrides), no line or paragraph separators, no
     * lone surrogates, private-use or unassigned code points.
     */
    public static boolean printable(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    /** The first character that is not {@link #printable}, as "U+0000 at position 3", if there is one. */
    public static Optional<String> firstUnprintable(String text) {
        int position = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            if (!printable(codePoint)) {
                return Optional.of(String.format("U+%04X at position %d", codePoint, position));
            }
            i += Character.charCount(codePoint);
            position++;
        }
        return Optional.empty();
    }

    /** The value in double quotes, unprintable characters written as \\u escapes, cut after 60 characters. */
    public static String quoted(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder shown = new StringBuilder("\"");
        text.codePoints().limit(SHOWN_CODE_POINTS).forEach(codePoint -> {
            if (printable(codePoint) && codePoint != '"' && codePoint != '\\') {
                shown.appendCodePoint(codePoint);
            } else {
                shown.append(String.format("\\u%04X", codePoint));
            }
        });
        if (text.codePointCount(0, text.length()) > SHOWN_CODE_POINTS) {
            shown.append('…');
        }
        return shown.append('"').toString();
    }
}
