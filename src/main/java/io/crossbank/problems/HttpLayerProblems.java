package io.crossbank.problems;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.crossbank.CrossbankConfig;


/**
 * Problems for the answers Quarkus's HTTP layer gives before a request reaches Jakarta REST, which would otherwise
 * be empty bodies: a body over {@code crossbank.http.max-body-size} (413) and credentials the authentication
 * layer refused (401, on any path: authentication is proactive, so a wrong password is refused even where none
 * is needed).
 */
@ApplicationScoped
public class HttpLayerProblems {


    void install(@Observes Router router, CrossbankConfig config) {
        long limit = config.http().maxBodySize().asLongValue();
        // Before Quarkus's own check of a declared Content-Length against its (higher) limit, which would answer with
        // an empty 413. A body of undeclared length (chunked, or HTTP/2) is cut while it is read: see RequestBodies.
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(context -> {
            if (declaredLength(context) > limit) {
                context.response().putHeader(HttpHeaders.CONNECTION, "close");
                tooLarge(context, limit);
            } else {
                context.next();
            }
        });
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).failureHandler(context -> {
            if (context.failure() instanceof AuthenticationFailedException) {
                context.response().putHeader("WWW-Authenticate", "Basic realm=\"Quarkus\"");
                respond(context, Problem.of(ProblemType.AUTHENTICATION_REQUIRED,
                        "The credentials sent were refused; send HTTP basic credentials of a known user, or none on public paths."));
            } else if (context.failure() instanceof ForbiddenException) {
                // an HTTP permission (the console's static files) refused an authenticated user
                respond(context, Problem.of(ProblemType.FORBIDDEN, "This path is for users with another role."));
            } else if (context.statusCode() == 413) {
                tooLarge(context, limit);
            } else {
                // Whatever else fails before or outside Jakarta REST: a problem, never Quarkus's page with a stack trace.
                int status = context.statusCode() >= 400 ? context.statusCode() : 500;
                if (status >= 500) {
                    String reference = UUID.randomUUID().toString();
                    Log.errorf(context.failure(), "Unexpected failure of %s %s, reference %s", context.request().method(),
                            context.request().path(), reference);
                    respond(context, Problem.of(ProblemType.INTERNAL_ERROR,
                            "The request failed unexpectedly; quote reference " + reference + " to the operators."));
                } else {
                    ProblemType type = ProblemType.forStatus(status);
                    respond(context, new Problem(type.type(), type.title(), status, "The request could not be processed."));
                }
            }
        });
    }

    private static long declaredLength(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void tooLarge(RoutingContext context, long limit) {
        respond(context, Problem.of(ProblemType.PAYLOAD_TOO_LARGE,
                "The request body is larger than " + limit + " bytes, the most any operation of this API accepts."));
    }

    private static void respond(RoutingContext context, Problem problem) {
        if (context.response().ended()) {
            return;
        }
        context.response()
                .setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(new JsonObject()
                        .put("type", problem.type().toString())
                        .put("title", problem.title())
                        .put("status", problem.status())
                        .put("detail", problem.detail())
                        .encode());
    }
}
