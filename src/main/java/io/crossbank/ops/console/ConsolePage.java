package io.crossbank.ops.console;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.crossbank.ops.OpsResource;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The operators' console: one HTML page whose script (META-INF/resources/ops/console/console.js) reads and acts only
 * through the /ops JSON API. The page itself carries no data. Not part of the API document.
 */
@Path("/ops/console")
@RolesAllowed({ OpsResource.ROLE, OpsResource.VIEWER })
public class ConsolePage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance console();
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public TemplateInstance page() {
        return Templates.console();
    }

    // A person reads this one, in the browser: plain text, not a problem document.
    @ServerExceptionMapper
    Response forbidden(ForbiddenException e) {
        return Response.status(403).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                .entity("The operators' console is for users with role '" + OpsResource.ROLE + "' (to act) or '" + OpsResource.VIEWER
                        + "' (to read).").build();
    }
}
