-- One row per node name (Narayana's node name; the pod name on Kubernetes), renewed by its instance while it runs
-- (io.crossbank.ops.nodes). A node whose row expired has departed; with the JDBC object store a live instance becomes
-- its holder to adopt its recovery, and deletes the row once nothing of that node is left. Times are the database's
-- clock, so that the instances' clocks need not agree. table_prefix: the node's JDBC object store table prefix.
CREATE TABLE node_lease (
    node_name    VARCHAR(64)  PRIMARY KEY,
    holder       VARCHAR(64)  NOT NULL,
    table_prefix VARCHAR(64),
    renewed_at   TIMESTAMPTZ  NOT NULL,
    expires_at   TIMESTAMPTZ  NOT NULL
);
