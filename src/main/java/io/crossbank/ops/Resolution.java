package io.crossbank.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.crossbank.ops.indoubt.InDoubtBranch;

/**
 * The answer to a manual commit or rollback of one branch.
 *
 * @param statement the SQL that was run, or would be run by a dry run
 * @param auditId   the ops_audit row in the branch's ledger (absent if that write failed; the log line remains)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Resolution(String ledger, String id, OpsAudit.Action action, boolean dryRun, OpsAudit.Outcome outcome,
        String statement, String detail, Long auditId, InDoubtBranch branch) {
}
