package io.crossbank.problems;

/** Page and size query parameters, read as text so that "?page=abc" is a 400 and not JAX-RS's 404. */
public record Paging(int page, int size) {

    public static final int MAX_SIZE = 100;
    public static final int DEFAULT_SIZE = 20;
    public static final int MAX_PAGE = Integer.MAX_VALUE / MAX_SIZE;

    public static Paging of(String page, String size) {
        return new Paging(parse("page", page, 0, 0, MAX_PAGE), parse("size", size, DEFAULT_SIZE, 1, MAX_SIZE));
    }

    public int offset() {
        return page * size;
    }

    private static int parse(String name, String text, int fallback, int min, int max) {
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProblemException.invalid(name + " must be a whole number from " + min + " to " + max + ", got \"" + text + "\"");
    }
}
