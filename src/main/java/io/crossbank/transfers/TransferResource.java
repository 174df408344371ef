package io.crossbank.transfers;

import java.net.URI;
import java.util.List;

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

import io.crossbank.ledger.Ids;
import io.crossbank.ledger.LedgerName;
import io.crossbank.problems.Paging;
import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;
import io.crossbank.problems.Text;

@Path("/transfers")
@Produces(MediaType.APPLICATION_JSON)
public class TransferResource {

    public static final String IDEMPOTENCY_KEY = IdempotencyKey.HEADER;
    public static final String REPLAYED = "Idempotent-Replayed";

    private final TransferService transfers;

    TransferResource(TransferService transfers) {
        this.transfers = transfers;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response transfer(@NotNull(message = "is required: a JSON object") @Valid TransferRequest request,
            @Context HttpHeaders headers) {
        TransferService.Result result = transfers.transfer(request, IdempotencyKey.of(headers.getRequestHeader(IDEMPOTENCY_KEY)));
        URI location = URI.create("/transfers/" + result.transfer().id());
        // 202 while the transfer is still PENDING (a mode that completes it after answering): Location says where to look.
        Response.ResponseBuilder response = result.pending() ? Response.accepted().location(location) : Response.created(location);
        return response.entity(result.transfer())
                .header(REPLAYED, result.replayed())
                .build();
    }

    @GET
    @Path("/{id}")
    public TransferView get(@PathParam("id") String id) {
        return transfers.find(id).orElseThrow(() -> new ProblemException(ProblemType.TRANSFER_NOT_FOUND,
                "No transfer with id " + Text.quoted(id)));
    }

    @GET
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
