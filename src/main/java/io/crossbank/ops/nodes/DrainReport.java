package io.crossbank.ops.nodes;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.crossbank.ops.indoubt.InDoubtBranch;

/**
 * What a drain did, or is doing.
 *
 * @param trigger              SIGTERM, or the operator of POST /ops/drain
 * @param complete             nothing of this node is left: no transfer in flight, no prepared branch of its node name in
 *                             either database, no decision record in its log, no saga leased
 * @param inFlightLeft         transfers still running when the drain gave up waiting for them
 * @param ownBranchesLeft      prepared branches of this node name still in either database
 * @param ownLogRecordsLeft    transaction Uids its object store still holds a decision for
 * @param unreachableLedgers   ledgers that could not be asked for their branches (the drain cannot be complete)
 * @param sagasHandedBack      sagas whose lease was released for another instance; -1 when a ledger was unreachable
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DrainReport(String node, String trigger, Drain.State state, boolean complete, Instant startedAt, Instant finishedAt,
        long durationMillis, int inFlightAtStart, int inFlightLeft, int recoveryPasses, List<InDoubtBranch> ownBranchesLeft,
        List<String> ownLogRecordsLeft, List<String> unreachableLedgers, Integer sagasHandedBack, String detail) {
}
