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

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.crossbank.ledger.LedgerName;
import io.crossbank.ops.OpsAudit.Action;
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
    public InDoubtScan list() {
        return inDoubt.scan();
    }

    @POST
    @Path("/recovery")
    public RecoveryReport recover() {
        return recovery.run(principal());
    }

    /** Dry run unless {@code dryRun=false}: deciding a branch by hand cannot be undone. */
    @POST
    @Path("/in-doubt/{ledger}/{id}/commit")
    public Resolution commit(@PathParam("ledger") String ledger, @PathParam("id") String id, @QueryParam("dryRun") String dryRun) {
        return resolver.resolve(ledger(ledger), id, Action.COMMIT, dryRun(dryRun), principal());
    }

    /** Dry run unless {@code dryRun=false}. */
    @POST
    @Path("/in-doubt/{ledger}/{id}/rollback")
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
