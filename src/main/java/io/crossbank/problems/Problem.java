package io.crossbank.problems;

import java.net.URI;

/** RFC 9457 problem details, the body of every error response. */
public record Problem(URI type, String title, int status, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type.type(), type.title(), type.status(), detail);
    }
}
