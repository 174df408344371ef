package io.crossbank.problems;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

class DatabaseFailuresTest {

    @Test
    void exhaustedPoolIsUnavailableNotAnInternalError() {
        RuntimeException failure = new RuntimeException(new SQLException("Sorry, acquisition timeout!"));
        assertThat(DatabaseFailures.classify(failure)).get().extracting(ProblemException::type).isEqualTo(ProblemType.LEDGER_UNAVAILABLE);
    }

    @Test
    void lockTimeoutsOfBothDatabasesAreBusy() {
        assertThat(DatabaseFailures.classify(new SQLException("lock", "55P03"))).get().extracting(ProblemException::type)
                .isEqualTo(ProblemType.LEDGER_BUSY);
        assertThat(DatabaseFailures.classify(new SQLException("lock", "HY000", 1205))).get().extracting(ProblemException::type)
                .isEqualTo(ProblemType.LEDGER_BUSY);
    }

    @Test
    void unknownFailuresAreNotClassified() {
        assertThat(DatabaseFailures.classify(new IllegalStateException("boom"))).isEmpty();
    }
}
