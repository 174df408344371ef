package io.crossbank.transfers;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
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
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.crossbank.ApiDocument;
import io.crossbank.CrossbankConfig;
import io.crossbank.ledger.Ids;
import io.crossbank.ledger.LedgerName;
import io.crossbank.problems.Paging;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;
import io.crossbank.problems.Text;

@Path("/transfers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocument.TAG_TRANSFERS)
@SecurityRequirements // public: no authentication
@APIResponse(responseCode = "406", ref = ApiDocument.NOT_ACCEPTABLE)
@APIResponse(responseCode = "500", ref = ApiDocument.INTERNAL_ERROR)
@APIResponse(responseCode = "503", ref = ApiDocument.SERVICE_UNAVAILABLE)
@APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED) // credentials sent and refused
public class TransferResource {

    public static final String IDEMPOTENCY_KEY = IdempotencyKey.HEADER;
    public static final String REPLAYED = "Idempotent-Replayed";

    private final TransferService transfers;
    private final Duration maxWait;

    TransferResource(TransferService transfers, CrossbankConfig config) {
        this.transfers = transfers;
        this.maxWait = config.saga().maxWait();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "transfer", summary = "Move money from one account to another, in one ledger or across both",
            description = "Mode xa: one XA transaction, applied in both ledgers or in neither (201). Mode saga: local transactions "
                    + "one ledger at a time; 201 when the saga ended within the wait (status COMMITTED, or COMPENSATED when the "
                    + "credit was refused and the debit given back), else 202 with status PENDING and the transfer's Location; it "
                    + "is accepted while the credited ledger is unreachable. With an Idempotency-Key, the same request again "
                    + "answers the original transfer as it stands now (Idempotent-Replayed: true) and moves no money.")
    @Parameter(name = IDEMPOTENCY_KEY, in = ParameterIn.HEADER, required = false,
            description = "Makes retries safe: 1 to 200 printable ASCII characters without spaces, unique per transfer",
            schema = @Schema(type = SchemaType.STRING, minLength = 1, maxLength = 200, pattern = "^[\\x21-\\x7E]{1,200}$"),
            example = "order-42")
    @Parameter(name = PreferWait.PREFER, in = ParameterIn.HEADER, required = false,
            description = "RFC 7240; only its wait preference is used, by a saga: wait=N seconds for the saga to end before "
                    + "answering 202 (crossbank.saga.wait by default, at most crossbank.saga.max-wait). Unreadable preferences "
                    + "are ignored.", schema = @Schema(type = SchemaType.STRING), example = "wait=5")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TransferRequest.class),
            examples = @ExampleObject(name = "cross-ledger", summary = "From the PostgreSQL ledger to the MySQL ledger",
                    value = "{\"from\":\"" + ApiDocument.PG_ACCOUNT_EXAMPLE + "\",\"to\":\"" + ApiDocument.MY_ACCOUNT_EXAMPLE
                            + "\",\"amount\":\"12.34\"}")))
    @APIResponse(responseCode = "201", description = "Committed in every ledger involved (xa), or ended within the wait: "
            + "COMMITTED or COMPENSATED (saga); for a repeated Idempotency-Key, the original transfer",
            headers = {
                    @Header(name = "Location", required = true, description = "The URL of the transfer",
                            schema = @Schema(type = SchemaType.STRING, format = "uri")),
                    @Header(name = REPLAYED, required = true, description = "true when this answers an earlier request with the same "
                            + "Idempotency-Key (no money moved now), else false", schema = @Schema(type = SchemaType.BOOLEAN)),
                    @Header(name = PreferWait.APPLIED, description = "wait=N: the wait a saga used, when the request's Prefer "
                            + "header asked for one", schema = @Schema(type = SchemaType.STRING)) },
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TransferView.class)))
    @APIResponse(responseCode = "202", description = "A saga accepted, not ended within the wait (status PENDING): its debit is "
            + "held; GET the Location until it is COMMITTED or COMPENSATED. Also a replay of a saga still PENDING.",
            headers = {
                    @Header(name = "Location", required = true, description = "The URL of the transfer",
                            schema = @Schema(type = SchemaType.STRING, format = "uri")),
                    @Header(name = REPLAYED, required = true, description = "true when this answers an earlier request with the same "
                            + "Idempotency-Key, else false", schema = @Schema(type = SchemaType.BOOLEAN)),
                    @Header(name = PreferWait.APPLIED, description = "wait=N: the wait used, when the request's Prefer header asked "
                            + "for one", schema = @Schema(type = SchemaType.STRING)) },
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TransferView.class)))
    @APIResponse(responseCode = "400", ref = ApiDocument.INVALID_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocument.ACCOUNT_NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.IDEMPOTENCY_CONFLICT)
    @APIResponse(responseCode = "413", ref = ApiDocument.PAYLOAD_TOO_LARGE)
    @APIResponse(responseCode = "415", ref = ApiDocument.UNSUPPORTED_MEDIA_TYPE)
    @APIResponse(responseCode = "422", ref = ApiDocument.TRANSFER_REJECTED)
    public Response transfer(@NotNull(message = "is required: a JSON object") @Valid TransferRequest request,
            @Context HttpHeaders headers) {
        String key = IdempotencyKey.of(headers.getRequestHeader(IDEMPOTENCY_KEY));
        Optional<Duration> wait = PreferWait.of(headers.getRequestHeader(PreferWait.PREFER), maxWait);
        TransferService.Result result = transfers.transfer(request, key, wait);
        URI location = URI.create("/transfers/" + result.transfer().id());
        // 202 while the transfer is still PENDING (a mode that completes it after answering): Location says where to look.
        Response.ResponseBuilder response = result.pending() ? Response.accepted().location(location) : Response.created(location);
        if (wait.isPresent() && !result.replayed() && result.transfer().mode().equals("saga")) {
            response.header(PreferWait.APPLIED, PreferWait.applied(wait.get()));
        }
        return response.entity(result.transfer())
                .header(REPLAYED, result.replayed())
                .build();
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getTransfer", summary = "One transfer, with the ledger sides it touched (and a saga's steps)")
    @Parameter(name = "id", in = ParameterIn.PATH, required = true, description = "The transfer id",
            schema = @Schema(type = SchemaType.STRING), example = ApiDocument.TRANSFER_EXAMPLE)
    @APIResponse(responseCode = "200", description = "The transfer: an XA transfer is committed; a saga PENDING, COMMITTED or "
            + "COMPENSATED, with its steps",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TransferView.class)))
    @APIResponse(responseCode = "404", ref = ApiDocument.TRANSFER_NOT_FOUND)
    public TransferView get(@PathParam("id") String id) {
        return transfers.find(id).orElseThrow(() -> new ProblemException(ProblemType.TRANSFER_NOT_FOUND,
                "No transfer with id " + Text.quoted(id)));
    }

    @GET
    @Operation(operationId = "listTransfersOfAccount", summary = "One account's transfers, newest first")
    @Parameter(name = "account", in = ParameterIn.QUERY, required = true, description = "The account id",
            schema = @Schema(type = SchemaType.STRING), example = ApiDocument.PG_ACCOUNT_EXAMPLE)
    @Parameter(name = "page", in = ParameterIn.QUERY, description = "The page number, from 0",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "" + Paging.MAX_PAGE, defaultValue = "0"))
    @Parameter(name = "size", in = ParameterIn.QUERY, description = "Transfers per page",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "" + Paging.MAX_SIZE,
                    defaultValue = "" + Paging.DEFAULT_SIZE))
    @APIResponse(responseCode = "200", description = "The account's transfers as its ledger journals them (without entries)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = TransferView.class)))
    @APIResponse(responseCode = "400", ref = ApiDocument.INVALID_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocument.ACCOUNT_NOT_FOUND)
    public List<TransferView> ofAccount(@QueryParam("account") String account, @QueryParam("page") String page,
            @QueryParam("size") String size) {
        if (account == null || account.isEmpty()) {
            throw ProblemException.invalid("account is required: GET /transfers?account=<account id>");
        }
        if (LedgerName.ofAccountId(account).isEmpty()) {
            throw ProblemException.invalid("account must be " + Ids.ACCOUNT_ID_FORM + ", got " + Text.quoted(account));
        }
        return transfers.ofAccount(account, Paging.of(page, size));
    }
}
