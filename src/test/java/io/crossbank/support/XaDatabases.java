package io.crossbank.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Drives src/build/xa-databases.sh: the private database servers the tests may crash for real. */
public final class XaDatabases {

    private XaDatabases() {
    }

    public static void crashMysql() {
        run("crash-mysql");
    }

    public static void crashPostgres() {
        run("crash-postgres");
    }

    /** Starts whatever is not running (after a crash: the database's own crash recovery runs first). */
    public static void start() {
        run("start");
    }

    private static void run(String command) {
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", Path.of("src/build/xa-databases.sh").toAbsolutePath().toString(), command))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("CROSSBANK_PG_PORT", String.valueOf(Sql.postgresPort()));
        builder.environment().put("CROSSBANK_MYSQL_PORT", String.valueOf(Sql.mysqlPort()));
        try {
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("xa-databases.sh " + command + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
