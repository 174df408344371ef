package io.crossbank.ops.nodes;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * GET /ops/nodes: this instance, the node leases, the departed nodes whose work is still in the databases, and what
 * this instance adopted.
 *
 * @param objectStore  "jdbc" (a departed node's recovery can be adopted) or "file" (only that node's return resolves it)
 * @param scaleGuard   whether this instance scales the StatefulSet back up for a departed pod's branches (files only)
 * @param scaleUps     what the scale guard did lately
 * @param leaseProblem why the lease table could not be read or renewed lately, if so
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodesView(String node, Drain.State state, String objectStore, boolean adoption, boolean scaleGuard, DrainReport lastDrain,
        List<NodeLeases.Lease> leases, List<DepartedNode> departed, List<Adoption.Result> adoptions, List<ScaleGuard.Action> scaleUps,
        String leaseProblem, Instant checkedAt) {

    /**
     * A node name that still has prepared branches (or, with the JDBC store, log records) but no live instance.
     *
     * @param lease      "expired" (with its expiry), or "none": no instance of that name ever held a lease here
     * @param adoptable  whether a live instance will resolve its branches (JDBC object store, table known)
     */
    public record DepartedNode(String node, int branches, Map<String, Integer> branchesByLedger, long oldestSeconds, String lease,
            Instant leaseExpiredAt, String holder, boolean adoptable, String explanation) {
    }
}
