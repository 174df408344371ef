package io.crossbank.accounts;

import java.net.URI;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
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
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.crossbank.ApiDocument;
import io.crossbank.ledger.InstantMicros;
import io.crossbank.ledger.LedgerName;
import io.crossbank.ops.OpsAudit;
import io.crossbank.problems.Paging;
import io.crossbank.problems.Problem;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;

@Path("/accounts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocument.TAG_ACCOUNTS)
@SecurityRequirements // public: no authentication
@APIResponse(responseCode = "406", ref = ApiDocument.NOT_ACCEPTABLE)
@APIResponse(responseCode = "500", ref = ApiDocument.INTERNAL_ERROR)
@APIResponse(responseCode = "503", ref = ApiDocument.SERVICE_UNAVAILABLE)
@APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED) // credentials sent and refused
public class AccountResource {

    /** The operators' role, as for /ops. */
    static final String OPS_ROLE = "ops";

    private final AccountService accounts;
    private final OpsAudit audit;
    private final SecurityIdentity identity;

    AccountResource(AccountService accounts, OpsAudit audit, SecurityIdentity identity) {
        this.accounts = accounts;
        this.audit = audit;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "openAccount", summary = "Open an account in one ledger")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = NewAccount.class),
            examples = @ExampleObject(name = "postgres", summary = "An account in the PostgreSQL ledger with a balance",
                    value = "{\"ledger\":\"postgres\",\"owner\":\"Ada Lovelace\",\"currency\":\"EUR\",\"initialBalance\":\"100.00\"}")))
    @APIResponse(responseCode = "201", description = "Opened",
            headers = @Header(name = "Location", required = true, description = "The URL of the new account",
                    schema = @Schema(type = SchemaType.STRING, format = "uri")),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccountView.class)))
    @APIResponse(responseCode = "400", ref = ApiDocument.INVALID_REQUEST)
    @APIResponse(responseCode = "413", ref = ApiDocument.PAYLOAD_TOO_LARGE)
    @APIResponse(responseCode = "415", ref = ApiDocument.UNSUPPORTED_MEDIA_TYPE)
    public Response open(@NotNull(message = "is required: a JSON object") @Valid NewAccount request) {
        AccountView account = accounts.open(request);
        return Response.created(URI.create("/accounts/" + account.id())).entity(account).build();
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getAccount", summary = "One account and its balance")
    @Parameter(name = "id", in = ParameterIn.PATH, required = true, description = "The account id",
            schema = @Schema(type = SchemaType.STRING), example = ApiDocument.PG_ACCOUNT_EXAMPLE)
    @APIResponse(responseCode = "200", description = "The account",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccountView.class)))
    @APIResponse(responseCode = "404", ref = ApiDocument.ACCOUNT_NOT_FOUND)
    public AccountView get(@PathParam("id") String id) {
        return accounts.find(id).orElseThrow(() -> ProblemException.accountNotFound(id));
    }

    @POST
    @Path("/{id}/freeze")
    @RolesAllowed(OPS_ROLE)
    @SecurityRequirement(name = ApiDocument.OPS_SECURITY)
    @Operation(operationId = "freezeAccount", summary = "Freeze an account (operators): it neither sends nor receives until unfrozen",
            description = "An XA transfer touching a frozen account is refused (422 account-frozen); a saga debiting it is refused, "
                    + "a saga crediting it is compensated. Audited in the ledger's ops_audit; freezing a frozen account changes nothing.")
    @Parameter(name = "id", in = ParameterIn.PATH, required = true, description = "The account id",
            schema = @Schema(type = SchemaType.STRING), example = ApiDocument.PG_ACCOUNT_EXAMPLE)
    @APIResponse(responseCode = "200", description = "The account, frozen",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccountView.class)))
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.ACCOUNT_NOT_FOUND)
    public AccountView freeze(@PathParam("id") String id) {
        return setFrozen(id, true);
    }

    @POST
    @Path("/{id}/unfreeze")
    @RolesAllowed(OPS_ROLE)
    @SecurityRequirement(name = ApiDocument.OPS_SECURITY)
    @Operation(operationId = "unfreezeAccount", summary = "Unfreeze an account (operators)",
            description = "Audited in the ledger's ops_audit; unfreezing an account that is not frozen changes nothing.")
    @Parameter(name = "id", in = ParameterIn.PATH, required = true, description = "The account id",
            schema = @Schema(type = SchemaType.STRING), example = ApiDocument.PG_ACCOUNT_EXAMPLE)
    @APIResponse(responseCode = "200", description = "The account, not frozen",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccountView.class)))
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.ACCOUNT_NOT_FOUND)
    public AccountView unfreeze(@PathParam("id") String id) {
        return setFrozen(id, false);
    }

    private AccountView setFrozen(String id, boolean frozen) {
        LedgerName ledger = LedgerName.ofAccountId(id).orElseThrow(() -> ProblemException.accountNotFound(id));
        AccountService.FrozenChange change = accounts.setFrozen(id, frozen);
        audit.record(new OpsAudit.Entry(InstantMicros.now(), identity.getPrincipal().getName(), ledger, id,
                frozen ? OpsAudit.Action.FREEZE : OpsAudit.Action.UNFREEZE, false, null,
                change.changed() ? OpsAudit.Outcome.APPLIED : OpsAudit.Outcome.UNCHANGED,
                "account " + (frozen ? "frozen" : "unfrozen") + (change.changed() ? "" : " already")));
        return change.account();
    }

    @ServerExceptionMapper
    Response unauthorized(UnauthorizedException e) {
        return Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Quarkus\"").type(Problem.MEDIA_TYPE)
                .entity(Problem.of(ProblemType.AUTHENTICATION_REQUIRED, "Freezing and unfreezing accounts needs HTTP basic credentials "
                        + "of a user with role '" + OPS_ROLE + "'."))
                .build();
    }

    @ServerExceptionMapper
    Response forbidden(ForbiddenException e) {
        return Response.status(403).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(ProblemType.FORBIDDEN, "Freezing and unfreezing accounts is for users with role '" + OPS_ROLE + "'."))
                .build();
    }

    @GET
    @Operation(operationId = "listAccounts", summary = "A page of accounts ordered by id, of one ledger or both")
    @Parameter(name = "ledger", in = ParameterIn.QUERY, description = "Only this ledger's accounts; both ledgers when absent",
            schema = @Schema(type = SchemaType.STRING, enumeration = { "postgres", "mysql" }))
    @Parameter(name = "page", in = ParameterIn.QUERY, description = "The page number, from 0",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "" + Paging.MAX_PAGE, defaultValue = "0"))
    @Parameter(name = "size", in = ParameterIn.QUERY, description = "Accounts per page",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "" + Paging.MAX_SIZE,
                    defaultValue = "" + Paging.DEFAULT_SIZE))
    @APIResponse(responseCode = "200", description = "The page",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccountPage.class)))
    @APIResponse(responseCode = "400", ref = ApiDocument.INVALID_REQUEST)
    public AccountPage list(@QueryParam("ledger") String ledger, @QueryParam("page") String page,
            @QueryParam("size") String size) {
        return accounts.list(ledger, Paging.of(page, size));
    }
}
