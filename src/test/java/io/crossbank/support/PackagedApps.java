package io.crossbank.support;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.restassured.RestAssured;

/**
 * The packaged-app lifecycle every IT shares, as a JUnit extension on a static field:
 * {@code @RegisterExtension static final PackagedApps APPS = PackagedApps.on("crossbank_it_x");}. Before the class
 * it empties the IT's own databases; every {@link AppProcess} made through {@link #app(String)} is killed after
 * the test that made it (after the class, for one made in {@code @BeforeAll}), RestAssured is pointed back at its
 * defaults once no app is left, and a failed test names the logs of its apps.
 */
public final class PackagedApps implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private final String database;
    private Runnable prepare;
    private final List<AppProcess> classApps = new ArrayList<>();
    private final List<AppProcess> testApps = new ArrayList<>();
    private boolean inTest;

    private PackagedApps(String database) {
        this.database = database;
        this.prepare = () -> Sql.recreateEmptyDatabases(database);
    }

    /** Apps on both ledgers' databases of this name, recreated empty before the class. */
    public static PackagedApps on(String database) {
        return new PackagedApps(database);
    }

    /** Prepares the databases another way before the class (own logins, say) instead of recreating them empty. */
    public PackagedApps preparedBy(Runnable preparation) {
        this.prepare = preparation;
        return this;
    }

    public String database() {
        return database;
    }

    /** A not yet started instance with its own node name and object store, stopped for the test when it ends. */
    public AppProcess app(String nodeName) {
        AppProcess app = AppProcess.onDatabase(nodeName, database);
        (inTest ? testApps : classApps).add(app);
        return app;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        prepare.run();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        inTest = true;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        inTest = false;
        end(testApps, context);
        if (classApps.isEmpty()) { // a class-wide app keeps RestAssured pointed at it until the class ends
            RestAssured.reset();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        end(classApps, context);
        RestAssured.reset();
    }

    /* SIGKILL: what a test leaves behind is checked within the test, and a SIGSTOPped JVM dies of it too. */
    private static void end(List<AppProcess> apps, ExtensionContext context) {
        if (context.getExecutionException().isPresent() && !apps.isEmpty()) {
            System.err.println(context.getDisplayName() + " failed; app logs: " + apps.stream().map(a -> a.log().toAbsolutePath()).distinct().toList());
        }
        apps.forEach(AppProcess::kill);
        apps.clear();
    }
}
