package io.crossbank.bench;

import java.math.BigDecimal;
import java.net.URI;
import java.sql.SQLException;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;


import io.crossbank.ledger.Ids;
import io.crossbank.ledger.InstantMicros;
import io.crossbank.transfers.TransferRequest;
import io.crossbank.transfers.TransferService;
import io.crossbank.transfers.TransferView;
import io.quarkus.resteasy.reactive.server.EndpointDisabled;
import io.crossbank.CrossbankConfig;

/**
 * Benchmark-only endpoints, each taking the body of POST /transfers and answering like it. They exist only in a
 * build made with {@code -Dcrossbank.bench.baseline.enabled=true}, which only src/bench/run.sh makes: in any other
 * build Quarkus leaves them out at build time (a 404, no route at all). Hidden from the OpenAPI document: they are
 * not part of the API.
 */
@Path("/bench")
@EndpointDisabled(name = "crossbank.bench.baseline.enabled", stringValue = "false", disableIfMissing = true)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BenchResource {

    private final LocalTransfers local;
    private final XaJdbcTransfers xaJdbc;
    private final TutorialTransfers tutorial;
    private final TransferService transfers;
    private final BigDecimal maxAmount;

    BenchResource(LocalTransfers local, XaJdbcTransfers xaJdbc, TutorialTransfers tutorial, TransferService transfers, CrossbankConfig config) {
        this.local = local;
        this.xaJdbc = xaJdbc;
        this.tutorial = tutorial;
        this.transfers = transfers;
        this.maxAmount = config.transfers().maxAmount();
    }

    /** The baseline: the transfer's SQL as independent local commits, no coordinator (see {@link LocalTransfers}). */
    @POST
    @Path("/baseline-transfers")
    @Operation(hidden = true)
    public Response baseline(@NotNull(message = "is required: a JSON object") @Valid TransferRequest request) throws SQLException {
        return created(local.execute(BenchTransfer.of(request, maxAmount)));
    }

    /** Diagnostic: the baseline's JDBC in one XA transaction (see {@link XaJdbcTransfers}). */
    @POST
    @Path("/xa-jdbc-transfers")
    @Operation(hidden = true)
    public Response xaJdbc(@NotNull(message = "is required: a JSON object") @Valid TransferRequest request) throws SQLException {
        return created(xaJdbc.execute(BenchTransfer.of(request, maxAmount)));
    }

    /** What a user would build instead: two locking reads and two updates in one XA transaction (see {@link TutorialTransfers}). */
    @POST
    @Path("/tutorial-transfers")
    @Operation(hidden = true)
    public Response tutorial(@NotNull(message = "is required: a JSON object") @Valid TransferRequest request) {
        return created(tutorial.execute(BenchTransfer.of(request, maxAmount)));
    }

    /**
     * What events cost: POST /transfers' own path (XA by default) without the transfer's outbox row, so the relay has
     * nothing to publish for it. Compared with {@code xa} in the same run.
     */
    @POST
    @Path("/xa-no-events-transfers")
    @Operation(hidden = true)
    public Response xaWithoutEvent(@NotNull(message = "is required: a JSON object") @Valid TransferRequest request) {
        return created(transfers.transferWithoutEvent(request).transfer());
    }

    /** Diagnostic: HTTP, JSON and validation only, no database; the ceiling of any transfer endpoint here. */
    @POST
    @Path("/echo-transfers")
    @Operation(hidden = true)
    public Response echo(@NotNull(message = "is required: a JSON object") @Valid TransferRequest request) {
        BenchTransfer transfer = BenchTransfer.of(request, maxAmount);
        return created(TransferSql.view(transfer, Ids.newTransferId(), "EUR", InstantMicros.now()));
    }

    private static Response created(TransferView transfer) {
        return Response.created(URI.create("/transfers/" + transfer.id())).entity(transfer).build();
    }
}
