package io.crossbank.ledger;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.crossbank.ApiDocument;

/**
 * Accounts and money per ledger. Each ledger is read separately, so while transfers run the figures are
 * not one snapshot across both databases.
 */
@Path("/ledgers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocument.TAG_LEDGERS)
@SecurityRequirements // public: no authentication
@APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED) // credentials sent and refused
public class LedgerResource {

    @Schema(description = "One ledger's accounts and money")
    public record LedgerSummary(
            @Schema(required = true, enumeration = { "postgres", "mysql" }, example = "postgres") String ledger,
            @Schema(required = true, description = "How many accounts it holds", example = "1") long accounts,
            @Schema(required = true, description = "The sum of its balances per ISO 4217 currency code, decimal strings",
                    example = "{\"EUR\":\"100.00\"}") Map<String, String> balances,
            @Schema(required = true, description = HELD, example = "{\"EUR\":\"0.00\"}") Map<String, String> held) {
    }

    @Schema(description = "Accounts and money per ledger and in total; each ledger is read separately, so while transfers "
            + "run the figures are not one snapshot across both")
    public record Summary(
            @Schema(required = true) List<LedgerSummary> ledgers,
            @Schema(required = true, description = "Accounts in both ledgers", example = "2") long accounts,
            @Schema(required = true, description = "The sum of all balances per currency", example = "{\"EUR\":\"100.00\"}")
            Map<String, String> balances,
            @Schema(required = true, description = HELD, example = "{\"EUR\":\"0.00\"}") Map<String, String> held) {
    }

    private static final String HELD = "The sum of the amounts held per currency: debited by sagas not settled yet, in no "
            + "available balance. Balances plus held is the money in the ledgers, except for the moment a saga's credit has "
            + "committed and its settlement not yet, when the amount is counted in both";

    private final Ledgers ledgers;

    LedgerResource(Ledgers ledgers) {
        this.ledgers = ledgers;
    }

    @GET
    @Operation(operationId = "ledgerSummary", summary = "Accounts and balances per currency, per ledger and in total")
    @APIResponse(responseCode = "200", description = "The figures",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Summary.class)))
    @APIResponse(responseCode = "406", ref = ApiDocument.NOT_ACCEPTABLE)
    @APIResponse(responseCode = "500", ref = ApiDocument.INTERNAL_ERROR)
    @APIResponse(responseCode = "503", ref = ApiDocument.SERVICE_UNAVAILABLE)
    public Summary summary() {
        Map<String, Ledger.Totals> grandTotal = new TreeMap<>();
        long accounts = 0;
        List<LedgerSummary> perLedger = new ArrayList<>();
        for (Ledger ledger : ledgers.all()) {
            Map<String, Ledger.Totals> totals = ledger.totalsByCurrency();
            long count = ledger.countAccounts();
            Ledger.addTo(grandTotal, totals);
            accounts += count;
            perLedger.add(new LedgerSummary(ledger.name().apiName(), count, formatted(totals, Ledger.Totals::balance),
                    formatted(totals, Ledger.Totals::held)));
        }
        return new Summary(perLedger, accounts, formatted(grandTotal, Ledger.Totals::balance), formatted(grandTotal, Ledger.Totals::held));
    }

    private static Map<String, String> formatted(Map<String, Ledger.Totals> totals, Function<Ledger.Totals, BigDecimal> sum) {
        Map<String, String> result = new TreeMap<>();
        totals.forEach((currency, t) -> result.put(currency, Amounts.format(sum.apply(t))));
        return result;
    }
}
