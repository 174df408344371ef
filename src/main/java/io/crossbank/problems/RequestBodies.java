package io.crossbank.problems;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import io.crossbank.CrossbankConfig;


/**
 * What an operation that reads a JSON body requires of the request before the body is parsed: a Content-Type
 * (Jakarta REST would take a missing one for "anything" and parse the body as JSON regardless; another type is
 * already refused by the {@link Consumes} match), and a body no larger than {@code crossbank.http.max-body-size},
 * also when its length is not declared up front (chunked, or HTTP/2; a declared Content-Length is checked by
 * {@link HttpLayerProblems} before the body is read).
 */
public class RequestBodies {

    private final long maxBodySize;

    RequestBodies(CrossbankConfig config) {
        this.maxBodySize = config.http().maxBodySize().asLongValue();
    }

    @ServerRequestFilter
    public Response check(ContainerRequestContext request, ResourceInfo resource) {
        if (!readsBody(resource)) {
            return null;
        }
        if (request.getMediaType() == null) {
            return ProblemMappers.respond(Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "The request body must be application/json, and this request has no Content-Type header."));
        }
        request.setEntityStream(new Limited(request.getEntityStream(), maxBodySize));
        return null;
    }

    private static boolean readsBody(ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        return method != null
                && (method.isAnnotationPresent(Consumes.class) || resource.getResourceClass().isAnnotationPresent(Consumes.class));
    }

    /** Refuses to read past the limit; the problem it throws passes through Jackson to {@link ProblemMappers}. */
    private static final class Limited extends FilterInputStream {

        private final long limit;
        private long read;

        Limited(InputStream body, long limit) {
            super(body);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE,
                        "The request body is larger than " + limit + " bytes, the most any operation of this API accepts.");
            }
        }
    }
}
