package io.crossbank.ops.indoubt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class BranchXidTest {

    private static final BranchXid XID = new BranchXid(131077, "gtrid".getBytes(StandardCharsets.US_ASCII), new byte[] { 0, -1, 16 });

    @Test
    void postgresGidIsPgjdbcsFormatAndReadsBack() {
        assertThat(XID.postgresGid()).isEqualTo("131077_Z3RyaWQ=_AP8Q");
        assertThat(BranchXid.fromPostgresGid(XID.postgresGid())).contains(XID);
    }

    @Test
    void gidsNoXaDriverWroteAreNotXids() {
        assertThat(BranchXid.fromPostgresGid("typed by hand")).isEmpty();
        assertThat(BranchXid.fromPostgresGid("1_not base64_AA==")).isEmpty();
        assertThat(BranchXid.fromPostgresGid("1__AA==")).as("an empty gtrid").isEmpty();
        assertThat(BranchXid.fromPostgresGid("99999999999_AA==_AA==")).as("a format id beyond int").isEmpty();
    }

    @Test
    void mysqlXidAndIdAreHex() {
        assertThat(XID.mysqlXid()).isEqualTo("X'6774726964',X'00ff10',131077");
        assertThat(XID.id()).isEqualTo("131077-6774726964-00ff10");
    }
}
