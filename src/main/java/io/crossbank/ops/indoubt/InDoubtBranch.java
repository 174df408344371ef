package io.crossbank.ops.indoubt;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A prepared branch as an operator sees it: the Xid decoded, its age, and who will resolve it.
 *
 * @param id               what to put in /ops/in-doubt/{ledger}/{id}/commit or /rollback
 * @param nodeName         Narayana's node name in the Xid (null when not a Narayana Xid)
 * @param transactionUid   the Uid under which that node logs its decision
 * @param inDoubtSinceMeans PREPARED (PostgreSQL) or FIRST_SEEN_BY_THIS_INSTANCE (MySQL keeps no prepare time)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InDoubtBranch(String ledger, String id, Integer formatId, String globalTransactionId, String branchQualifier,
        String nodeName, String transactionUid, String postgresGid, String owner, Instant inDoubtSince,
        PreparedBranch.Since inDoubtSinceMeans, long ageSeconds, Classification classification, String explanation,
        boolean manualResolution) {

    static InDoubtBranch of(PreparedBranch branch, Classification classification, Instant now) {
        BranchXid xid = branch.xid().orElse(null);
        NarayanaXid narayana = branch.xid().flatMap(NarayanaXid::of).orElse(null);
        return new InDoubtBranch(branch.ledger().apiName(), branch.id(),
                xid == null ? null : xid.formatId(),
                xid == null ? null : xid.gtridHex(),
                xid == null ? null : xid.bqualHex(),
                narayana == null ? null : narayana.nodeName(),
                narayana == null ? null : narayana.transactionUid().stringForm(),
                branch.postgresGid().orElse(null), branch.owner().orElse(null), branch.since(), branch.sinceMeans(),
                branch.age(now).toSeconds(), classification, classification.explanation(), classification.manualResolution());
    }
}
