package io.crossbank.ops;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
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
import io.crossbank.events.StuckEventPage;
import io.crossbank.events.StuckEvents;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ops.OpsAudit.Action;
import io.crossbank.ops.indoubt.InDoubtBranches;
import io.crossbank.ops.indoubt.InDoubtScan;
import io.crossbank.ops.nodes.Drain;
import io.crossbank.ops.nodes.DrainReport;
import io.crossbank.ops.nodes.NodesView;
import io.crossbank.ops.sagas.SagaAction;
import io.crossbank.ops.sagas.SagaOperator;
import io.crossbank.ops.sagas.SagaPage;
import io.crossbank.ops.sagas.Sagas;
import io.crossbank.problems.Paging;
import io.crossbank.problems.Problem;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The operators' view: of two-phase commit (what is in doubt, recovery on demand, guarded manual resolution) and of
 * transfer events (stuck outbox rows, re-drive) and of sagas (list, re-drive, compensation).
 */
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

    /** May read and act. */
    public static final String ROLE = "ops";
    /** May read only: every GET of /ops and the console, none of the actions. */
    public static final String VIEWER = "viewer";

    private final InDoubtBranches inDoubt;
    private final RecoveryPass recovery;
    private final BranchResolver resolver;
    private final StuckEvents stuckEvents;
    private final EventRedriver redriver;
    private final Sagas sagas;
    private final SagaOperator sagaOperator;
    private final StatusReader status;
    private final SecurityIdentity identity;
    // Field-injected so that the drain and node view stay apart from the constructor the other operator actions share.
    @Inject
    Drain drain;

    OpsResource(StatusReader status, InDoubtBranches inDoubt, RecoveryPass recovery, BranchResolver resolver, StuckEvents stuckEvents, EventRedriver redriver,
            Sagas sagas, SagaOperator sagaOperator, SecurityIdentity identity) {
        this.sagas = sagas;
        this.sagaOperator = sagaOperator;
        this.inDoubt = inDoubt;
        this.recovery = recovery;
        this.resolver = resolver;
        this.stuckEvents = stuckEvents;
        this.redriver = redriver;
        this.identity = identity;
        this.status = status;
    }

    @GET
    @Path("/status")
    @RolesAllowed({ ROLE, VIEWER })
    @Operation(operationId = "opsStatus", summary = "This instance: node name, recovery pace and passes, each ledger's health, and whether the caller may act",
            description = "Read from what the service already keeps (the in-doubt scan of at most crossbank.in-doubt.scan-interval ago, the "
                    + "recovery pass counter): it queries no database itself. For role ops and role viewer.")
    @APIResponse(responseCode = "200", description = "The status",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OpsStatus.class)))
    public OpsStatus status() {
        return status.read(identity);
    }

    @GET
    @Path("/in-doubt")
    @RolesAllowed({ ROLE, VIEWER })
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

    @POST
    @Path("/drain")
    @Operation(operationId = "drainInstance", summary = "Take this instance out of service without leaving work behind; audited",
            description = "Readiness DOWN and new transfers refused (503 draining), the transfers in flight finished, recovery passes "
                    + "run until this node name owns no log record and no prepared branch in either database, its sagas handed back "
                    + "(lease released); at most crossbank.drain.timeout. The instance stays up, drained (SIGTERM does the same, "
                    + "then stops). Answers when done; again, while or after draining, it answers that drain.")
    @APIResponse(responseCode = "200", description = "The drain, complete or with what is left",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DrainReport.class)))
    public DrainReport drain() {
        return drain.drainBy(principal());
    }

    @GET
    @Path("/nodes")
    @RolesAllowed({ ROLE, VIEWER })
    @Operation(operationId = "listNodes", summary = "This instance, the node leases, departed nodes with work left, and adoptions",
            description = "A departed node has prepared branches (or, with the JDBC object store, log records) but no live lease. "
                    + "With the JDBC object store a live instance adopts it: commits what its log decided, rolls back the rest. "
                    + "With files only that node's return resolves its branches.")
    @APIResponse(responseCode = "200", description = "The nodes",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = NodesView.class)))
    public NodesView nodes() {
        return drain.nodes();
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

    @GET
    @Path("/events")
    @RolesAllowed({ ROLE, VIEWER })
    @Operation(operationId = "listStuckEvents", summary = "Stuck outbox rows of both ledgers, oldest first, and each ledger's backlog",
            description = "An unsent row is stuck once a publication of it failed or it is older than crossbank.events.stuck-after. "
                    + "A ledger that cannot be read is marked readable=false in ledgers; its rows are missing.")
    @Parameter(name = "page", in = ParameterIn.QUERY, description = "The page number, from 0",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "" + Paging.MAX_PAGE, defaultValue = "0"))
    @Parameter(name = "size", in = ParameterIn.QUERY, description = "Rows per page",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "" + Paging.MAX_SIZE, defaultValue = "" + Paging.DEFAULT_SIZE))
    @APIResponse(responseCode = "200", description = "The page",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StuckEventPage.class)))
    @APIResponse(responseCode = "400", ref = ApiDocument.INVALID_REQUEST)
    public StuckEventPage stuckEvents(@QueryParam("page") String page, @QueryParam("size") String size) {
        return stuckEvents.list(Paging.of(page, size));
    }

    /** Dry run unless {@code dryRun=false}, like every operator action. */
    @POST
    @Path("/events/{ledger}/{id}/redrive")
    @Operation(operationId = "redriveEvent", summary = "Make one outbox event due now and wake the relay (a dry run unless dryRun=false); audited",
            description = "The older unsent rows of its ledger are made due too: the relay publishes in seq order. attempts and "
                    + "last_error stay. A sent event is published again only with republish=true: a duplicate for consumers that had "
                    + "it, arriving after newer events.")
    @Parameter(name = "ledger", in = ParameterIn.PATH, required = true, description = "The ledger whose outbox holds the event",
            schema = @Schema(type = SchemaType.STRING, enumeration = { "postgres", "mysql" }))
    @Parameter(name = "id", in = ParameterIn.PATH, required = true, description = "The event id, as GET /ops/events lists it",
            schema = @Schema(type = SchemaType.STRING, pattern = ApiDocument.EVENT_ID_PATTERN), example = ApiDocument.EVENT_EXAMPLE)
    @Parameter(name = "dryRun", in = ParameterIn.QUERY, description = "false to really re-drive the event; anything but true or false is a 400",
            schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "true"))
    @Parameter(name = "republish", in = ParameterIn.QUERY, description = "true to publish an already sent event again; anything but true or false is a 400",
            schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"))
    @APIResponse(responseCode = "200", description = "Done, or for a dry run what would be done",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Redrive.class)))
    @APIResponse(responseCode = "400", ref = ApiDocument.INVALID_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocument.EVENT_NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.EVENT_ALREADY_SENT)
    @APIResponse(responseCode = "503", ref = ApiDocument.SERVICE_UNAVAILABLE)
    public Redrive redrive(@PathParam("ledger") String ledger, @PathParam("id") String id, @QueryParam("dryRun") String dryRun,
            @QueryParam("republish") String republish) {
        LedgerName name = LedgerName.fromApiName(ledger).orElseThrow(() -> new ProblemException(ProblemType.EVENT_NOT_FOUND,
                "No ledger named '" + ledger + "': \"postgres\" or \"mysql\""));
        return redriver.redrive(name, id, flag("republish", republish, false), dryRun(dryRun), principal());
    }

    @GET
    @Path("/sagas")
    @RolesAllowed({ ROLE, VIEWER })
    @Operation(operationId = "listSagas", summary = "The sagas of both ledgers: by default the unfinished ones, stuck first, then the oldest pending",
            description = "Each with its steps, failed attempts, last error, lease and next attempt, and the deciding row of its credited "
                    + "ledger (UNKNOWN while that ledger cannot be read). A ledger that cannot be read is marked readable=false in "
                    + "ledgers; the sagas it debits are missing.")
    @Parameter(name = "state", in = ParameterIn.QUERY, description = "pending, stuck, committed or compensated; absent: pending and stuck",
            schema = @Schema(type = SchemaType.STRING, enumeration = { "pending", "stuck", "committed", "compensated" }))
    @Parameter(name = "page", in = ParameterIn.QUERY, description = "The page number, from 0",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "" + Paging.MAX_PAGE, defaultValue = "0"))
    @Parameter(name = "size", in = ParameterIn.QUERY, description = "Sagas per page",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "" + Paging.MAX_SIZE, defaultValue = "" + Paging.DEFAULT_SIZE))
    @APIResponse(responseCode = "200", description = "The page",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SagaPage.class)))
    @APIResponse(responseCode = "400", ref = ApiDocument.INVALID_REQUEST)
    public SagaPage sagas(@QueryParam("state") String state, @QueryParam("page") String page, @QueryParam("size") String size) {
        return sagas.list(state, Paging.of(page, size));
    }

    /** Dry run unless {@code dryRun=false}, like every operator action. */
    @POST
    @Path("/sagas/{id}/redrive")
    @Operation(operationId = "redriveSaga", summary = "Make a pending or stuck saga due now and wake the resumer (a dry run unless dryRun=false); audited",
            description = "An expired lease is cleared; a live one stays (an instance is working on the saga). attempts, last_error "
                    + "and stuck_at stay.")
    @Parameter(name = "id", in = ParameterIn.PATH, required = true, description = "The saga's transfer id",
            schema = @Schema(type = SchemaType.STRING, pattern = ApiDocument.TRANSFER_ID_PATTERN), example = ApiDocument.TRANSFER_EXAMPLE)
    @Parameter(name = "dryRun", in = ParameterIn.QUERY, description = "false to really re-drive the saga; anything but true or false is a 400",
            schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "true"))
    @APIResponse(responseCode = "200", description = "Done, or for a dry run what would be done",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SagaAction.class)))
    @APIResponse(responseCode = "400", ref = ApiDocument.INVALID_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocument.SAGA_NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.SAGA_ACTION_REFUSED)
    @APIResponse(responseCode = "503", ref = ApiDocument.SERVICE_UNAVAILABLE)
    public SagaAction redriveSaga(@PathParam("id") String id, @QueryParam("dryRun") String dryRun) {
        return sagaOperator.redrive(id, dryRun(dryRun), principal());
    }

    /** Dry run unless {@code dryRun=false}: a compensation cannot be undone. */
    @POST
    @Path("/sagas/{id}/compensate")
    @Operation(operationId = "compensateSaga", summary = "Compensate a pending or stuck saga by hand (a dry run unless dryRun=false); audited",
            description = "Writes the CANCELLED deciding row in the credited ledger first, as a refused credit does, then refunds the "
                    + "held money. Refused (409) when the saga is settled or its deciding row says DONE. Needs the credited ledger "
                    + "(503 while it is unreachable); if the refund then fails, the resumer refunds once the debited ledger is back.")
    @Parameter(name = "id", in = ParameterIn.PATH, required = true, description = "The saga's transfer id",
            schema = @Schema(type = SchemaType.STRING, pattern = ApiDocument.TRANSFER_ID_PATTERN), example = ApiDocument.TRANSFER_EXAMPLE)
    @Parameter(name = "dryRun", in = ParameterIn.QUERY, description = "false to really compensate the saga; anything but true or false is a 400",
            schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "true"))
    @APIResponse(responseCode = "200", description = "Done, or for a dry run what would be done",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SagaAction.class)))
    @APIResponse(responseCode = "400", ref = ApiDocument.INVALID_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocument.SAGA_NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.SAGA_ACTION_REFUSED)
    @APIResponse(responseCode = "503", ref = ApiDocument.SERVICE_UNAVAILABLE)
    public SagaAction compensateSaga(@PathParam("id") String id, @QueryParam("dryRun") String dryRun) {
        return sagaOperator.compensate(id, dryRun(dryRun), principal());
    }

    // Local to this resource: the rest of the API has no authentication, hence no such answers.
    @ServerExceptionMapper
    Response unauthorized(UnauthorizedException e) {
        return problem(Problem.of(ProblemType.AUTHENTICATION_REQUIRED, "The /ops endpoints need HTTP basic credentials of a user with role '"
                + ROLE + "'."), Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Quarkus\""));
    }

    @ServerExceptionMapper
    Response forbidden(ForbiddenException e) {
        return problem(Problem.of(ProblemType.FORBIDDEN, "The /ops actions are for users with role '" + ROLE + "'; reading /ops (GET) "
                + "for role '" + ROLE + "' or '" + VIEWER + "'."), Response.status(403));
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
        return flag("dryRun", value, true);
    }

    private static boolean flag(String name, String value, boolean absent) {
        if (value == null) {
            return absent;
        }
        if (value.equals("true") || value.equals("false")) {
            return value.equals("true");
        }
        throw ProblemException.invalid(name + " must be true or false, got \"" + value + "\"");
    }
}
