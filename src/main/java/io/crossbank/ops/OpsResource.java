package io.crossbank.ops;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.crossbank.ApiDocument;

import io.crossbank.ledger.LedgerName;
import io.crossbank.ops.OpsAudit.Action;
import io.crossbank.ops.indoubt.InDoubtBranches;
import io.crossbank.ops.indoubt.InDoubtScan;
import io.crossbank.problems.Problem;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;

/** The operators' view of two-phase commit: what is in doubt, recovery on demand, guarded manual resolution. */
@Path("/ops")
@RolesAllowed(OpsResource.ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocument.TAG_OPS)
@SecurityRequirement(name = ApiDocument.OPS_SECURITY)
@APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
@APIResponse(responseCode = "406", ref = ApiDocument.NOT_ACCEPTABLE)
@APIResponse(responseCode = "500", ref = ApiDocument.INTERNAL_ERROR)
public class OpsResource {

    static final String ROLE = "ops";

    private final InDoubtBranches inDoubt;
    private final RecoveryPass recovery;
    private final BranchResolver resolver;
    private final SecurityIdentity identity;

    OpsResource(InDoubtBranches inDoubt, RecoveryPass recovery, BranchResolver resolver, SecurityIdentity identity) {
        this.inDoubt = inDoubt;
        this.recovery = recovery;
        this.resolver = resolver;
        this.identity = identity;
    }

    @GET
    @Path("/in-doubt")
    @Operation(operationId = "listInDoubtBranches", summary = "Every prepared branch of both ledgers, decoded and classified",
            description = "A ledger that cannot be asked is listed under unreachable; its branches are missing.")
    @APIResponse(responseCode = "200", description = "The branches",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = InDoubtScan.class)))
    public InDoubtScan list() {
        return inDoubt.scan();
    }

    @POST
    @Path("/recovery")
    @Operation(operationId = "runRecoveryPass", summary = "One recovery pass now: the in-doubt list before and after, what it resolved")
    @APIResponse(responseCode = "200", description = "The pass ran",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RecoveryReport.class)))
    @APIResponse(responseCode = "409", ref = ApiDocument.RECOVERY_DISABLED)
    public RecoveryReport recover() {
        return recovery.run(principal());
    }

    /** Dry run unless {@code dryRun=false}: deciding a branch by hand cannot be undone. */
    @POST
    @Path("/in-doubt/{ledger}/{id}/commit")
    @Operation(operationId = "commitInDoubtBranch", summary = "Commit one prepared branch by hand (a dry run unless dryRun=false); audited")
    @Parameter(name = "ledger", in = ParameterIn.PATH, required = true, description = "The ledger holding the branch",
            schema = @Schema(type = SchemaType.STRING, enumeration = { "postgres", "mysql" }))
    @Parameter(name = "id", in = ParameterIn.PATH, required = true, description = "The branch id, as GET /ops/in-doubt lists it",
            schema = @Schema(type = SchemaType.STRING, pattern = "^[0-9A-Za-z-]{1,404}$"), example = "131077-00-00")
    @Parameter(name = "dryRun", in = ParameterIn.QUERY, description = "false to really decide the branch; anything but true or false is a 400",
            schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "true"))
    @APIResponse(responseCode = "200", description = "Done, or for a dry run what would be done",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Resolution.class)))
    @APIResponse(responseCode = "400", ref = ApiDocument.INVALID_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocument.BRANCH_NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.RESOLUTION_REFUSED)
    @APIResponse(responseCode = "503", ref = ApiDocument.SERVICE_UNAVAILABLE)
    public Resolution commit(@PathParam("ledger") String ledger, @PathParam("id") String id, @QueryParam("dryRun") String dryRun) {
        return resolver.resolve(ledger(ledger), id, Action.COMMIT, dryRun(dryRun), principal());
    }

    /** Dry run unless {@code dryRun=false}. */
    @POST
    @Path("/in-doubt/{ledger}/{id}/rollback")
    @Operation(operationId = "rollbackInDoubtBranch", summary = "Roll back one prepared branch by hand (a dry run unless dryRun=false); audited")
    @Parameter(name = "ledger", in = ParameterIn.PATH, required = true, description = "The ledger holding the branch",
            schema = @Schema(type = SchemaType.STRING, enumeration = { "postgres", "mysql" }))
    @Parameter(name = "id", in = ParameterIn.PATH, required = true, description = "The branch id, as GET /ops/in-doubt lists it",
            schema = @Schema(type = SchemaType.STRING, pattern = "^[0-9A-Za-z-]{1,404}$"), example = "131077-00-00")
    @Parameter(name = "dryRun", in = ParameterIn.QUERY, description = "false to really decide the branch; anything but true or false is a 400",
            schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "true"))
    @APIResponse(responseCode = "200", description = "Done, or for a dry run what would be done",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Resolution.class)))
    @APIResponse(responseCode = "400", ref = ApiDocument.INVALID_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocument.BRANCH_NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.RESOLUTION_REFUSED)
    @APIResponse(responseCode = "503", ref = ApiDocument.SERVICE_UNAVAILABLE)
    public Resolution rollback(@PathParam("ledger") String ledger, @PathParam("id") String id, @QueryParam("dryRun") String dryRun) {
        return resolver.resolve(ledger(ledger), id, Action.ROLLBACK, dryRun(dryRun), principal());
    }

    // Local to this resource: the rest of the API has no authentication, hence no such answers.
    @ServerExceptionMapper
    Response unauthorized(UnauthorizedException e) {
        return problem(Problem.of(ProblemType.AUTHENTICATION_REQUIRED, "The /ops endpoints need HTTP basic credentials of a user with role '"
                + ROLE + "'."), Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Quarkus\""));
    }

    @ServerExceptionMapper
    Response forbidden(ForbiddenException e) {
        return problem(Problem.of(ProblemType.FORBIDDEN, "The /ops endpoints are for users with role '" + ROLE + "'."),
                Response.status(403));
    }

    private static Response problem(Problem problem, Response.ResponseBuilder response) {
        return response.type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private String principal() {
        return identity.getPrincipal().getName();
    }

    private static LedgerName ledger(String name) {
        return LedgerName.fromApiName(name).orElseThrow(() -> new ProblemException(ProblemType.IN_DOUBT_BRANCH_NOT_FOUND,
                "No ledger named '" + name + "': \"postgres\" or \"mysql\""));
    }

    private static boolean dryRun(String value) {
        if (value == null || value.equals("true")) {
            return true;
        }
        if (value.equals("false")) {
            return false;
        }
        throw ProblemException.invalid("dryRun must be true or false, got \"" + value + "\"");
    }
}
