package io.crossbank.transfers;

import static io.crossbank.support.Api.balance;
import static io.crossbank.support.Api.openAccount;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.crossbank.support.Sql;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Eight clients, two pooled connections per ledger, transfers in both directions between the two ledgers:
 * every one commits. Were the pools asked in the order debit side, then credit side, a PostgreSQL-to-MySQL
 * and a MySQL-to-PostgreSQL transfer could each hold one pool's last connection and wait for the other's
 * until the acquisition timeout (503).
 */
@QuarkusTest
@TestProfile(TwoConnectionsPerLedger.class)
class SmallPoolTransfersTest {

    @Test
    void opposingCrossLedgerTransfersDoNotWaitForEachOthersConnections() throws Exception {
        String a = openAccount("postgres", "1000.00");
        String b = openAccount("mysql", "1000.00");

        Map<Integer, Integer> statuses = OpposingTransfers.run("/transfers", a, b, 8, 25);

        assertThat(statuses).as("answers by status").containsOnlyKeys(201).containsEntry(201, 200);
        assertThat(balance(a).add(balance(b))).isEqualByComparingTo(new BigDecimal("2000.00"));
        assertThat(Sql.preparedBranches()).isEmpty();
    }
}
