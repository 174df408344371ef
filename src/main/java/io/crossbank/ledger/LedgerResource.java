package io.crossbank.ledger;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Accounts and money per ledger. Each ledger is read separately, so while transfers run the figures are
 * not one snapshot across both databases.
 */
@Path("/ledgers")
@Produces(MediaType.APPLICATION_JSON)
public class LedgerResource {

    public record LedgerSummary(String ledger, long accounts, Map<String, String> balances) {
    }

    public record Summary(List<LedgerSummary> ledgers, long accounts, Map<String, String> balances) {
    }

    private final Ledgers ledgers;

    LedgerResource(Ledgers ledgers) {
        this.ledgers = ledgers;
    }

    @GET
    public Summary summary() {
        Map<String, BigDecimal> grandTotal = new TreeMap<>();
        long accounts = 0;
        List<LedgerSummary> perLedger = new ArrayList<>();
        for (Ledger ledger : ledgers.all()) {
            Map<String, BigDecimal> totals = ledger.totalsByCurrency();
            long count = ledger.countAccounts();
            totals.forEach((currency, sum) -> grandTotal.merge(currency, sum, BigDecimal::add));
            accounts += count;
            perLedger.add(new LedgerSummary(ledger.name().apiName(), count, formatted(totals)));
        }
        return new Summary(perLedger, accounts, formatted(grandTotal));
    }

    private static Map<String, String> formatted(Map<String, BigDecimal> totals) {
        Map<String, String> result = new TreeMap<>();
        totals.forEach((currency, sum) -> result.put(currency, Amounts.format(sum)));
        return result;
    }
}
