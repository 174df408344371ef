package io.crossbank.problems;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.quarkus.logging.Log;

/**
 * Turns every failure into application/problem+json. Details are written for the client: they never carry
 * a stack trace, a class name or a SQL message. Anything unexpected is logged with a reference the
 * client also gets.
 */
public class ProblemMappers {

    private static final Pattern DUPLICATE_MEMBER = Pattern.compile("Duplicate field '(.*)'");

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        if (e.type().status() >= 500) {
            // An unreachable or busy ledger fails every request alike: one line each, the stack only at DEBUG.
            Log.warnf("%s: %s Cause: %s", e.type().title(), e.getMessage(), e.getCause() == null ? "-" : DatabaseFailures.summary(e.getCause()));
            Log.debugf(e.getCause(), "%s", e.type().title());
        }
        return respond(e.problem());
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        String detail = e.getConstraintViolations().stream()
                .map(ProblemMappers::describe)
                .sorted()
                .collect(Collectors.joining("; "));
        return respond(Problem.of(ProblemType.INVALID_REQUEST, detail));
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonParseException e) {
        Matcher duplicate = DUPLICATE_MEMBER.matcher(String.valueOf(e.getOriginalMessage()));
        String detail = duplicate.matches()
                ? "Member '" + duplicate.group(1) + "' appears more than once in the request body; send each member once"
                : "The request body is not valid JSON: " + e.getOriginalMessage();
        return respond(Problem.of(ProblemType.INVALID_REQUEST, detail));
    }

    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return unmappableJson(e);
    }

    @ServerExceptionMapper
    public Response unmappableJson(JsonMappingException e) {
        return respond(Problem.of(ProblemType.INVALID_REQUEST, describe(e)));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonParseException json) {
                return malformedJson(json);
            }
            if (cause instanceof JsonMappingException json) {
                return unmappableJson(json);
            }
        }
        ProblemType type = ProblemType.forStatus(status);
        String detail = switch (status) {
            case 404 -> "There is nothing at this path.";
            case 405 -> "This path does not accept that method.";
            case 406 -> "Only application/json responses are available.";
            case 413 -> "The request body is larger than this API accepts.";
            case 415 -> "The request body must be application/json.";
            default -> status >= 500 ? "The request could not be processed." : "The request is not valid.";
        };
        return respond(new Problem(type.type(), type.title(), status, detail));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        return DatabaseFailures.classify(e)
                .map(this::problem)
                .orElseGet(() -> {
                    String reference = UUID.randomUUID().toString();
                    Log.errorf(e, "Unexpected failure, reference %s", reference);
                    return respond(Problem.of(ProblemType.INTERNAL_ERROR,
                            "The request failed unexpectedly; quote reference " + reference + " to the operators."));
                });
    }

    static Response respond(Problem problem) {
        Response.ResponseBuilder response = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
        if (problem.status() == 503) {
            response.header("Retry-After", "1");
        }
        return response.build();
    }

    private static String describe(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        // "create.request.owner" -> "owner": the method and parameter names mean nothing to the client.
        int dot = path.lastIndexOf('.');
        String field = dot >= 0 ? path.substring(dot + 1) : path;
        return field + " " + violation.getMessage();
    }

    private static String describe(JsonMappingException e) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
            return "Unknown member '" + field + "' in the request body" + (known.isEmpty() ? "" : "; its members are " + known);
        }
        if (e instanceof MismatchedInputException mismatch) {
            if (String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
                return "The request body must be exactly one JSON object, with nothing after it.";
            }
            if (field.isEmpty()) {
                return "The request body must be a JSON object.";
            }
            return mismatch.getTargetType() == String.class
                    ? "Member '" + field + "' must be a JSON string (amounts too, such as \"12.34\")"
                    : "Member '" + field + "' has the wrong type";
        }
        return "The request body could not be read.";
    }
}
