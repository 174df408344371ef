package io.crossbank.ops.indoubt;

import java.time.Instant;
import java.util.List;

/**
 * Every prepared branch of both ledgers at one moment.
 *
 * @param node        this instance's node name: the only one whose branches its recovery resolves
 * @param unreachable ledgers whose database could not be asked (their branches are missing from the list)
 */
public record InDoubtScan(Instant scannedAt, String node, List<InDoubtBranch> branches, List<String> unreachable) {
}
