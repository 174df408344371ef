package io.crossbank.problems;

import java.net.URI;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** RFC 9457 problem details, the body of every error response. */
@Schema(name = "Problem", description = "RFC 9457 problem details (application/problem+json): the body of every error response")
public record Problem(
        @Schema(required = true, description = "The kind of problem, stable: urn:crossbank:problem:<slug>",
                pattern = "^urn:crossbank:problem:[a-z-]+$", example = "urn:crossbank:problem:insufficient-funds") URI type,
        @Schema(required = true, description = "A short summary of the kind of problem", example = "Insufficient funds") String title,
        @Schema(required = true, description = "The HTTP status code", minimum = "400", maximum = "599", example = "422") int status,
        @Schema(required = true, description = "What went wrong with this request, for a person; never a stack trace",
                example = "Account my-0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a does not hold 1000.00") String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type.type(), type.title(), type.status(), detail);
    }
}
