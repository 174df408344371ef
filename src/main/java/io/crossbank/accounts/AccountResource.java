package io.crossbank.accounts;

import java.net.URI;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.crossbank.problems.Paging;
import io.crossbank.problems.ProblemException;

@Path("/accounts")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    private final AccountService accounts;

    AccountResource(AccountService accounts) {
        this.accounts = accounts;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response open(@NotNull(message = "is required: a JSON object") @Valid NewAccount request) {
        AccountView account = accounts.open(request);
        return Response.created(URI.create("/accounts/" + account.id())).entity(account).build();
    }

    @GET
    @Path("/{id}")
    public AccountView get(@PathParam("id") String id) {
        return accounts.find(id).orElseThrow(() -> ProblemException.accountNotFound(id));
    }

    @GET
    public AccountPage list(@QueryParam("ledger") String ledger, @QueryParam("page") String page,
            @QueryParam("size") String size) {
        return accounts.list(ledger, Paging.of(page, size));
    }
}
