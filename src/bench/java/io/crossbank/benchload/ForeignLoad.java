package io.crossbank.benchload;

import java.util.concurrent.atomic.AtomicBoolean;

/** Notices a test suite (a surefire or failsafe JVM) sharing the machine, before and during a window. */
final class ForeignLoad {

    private final AtomicBoolean seen = new AtomicBoolean();
    private volatile boolean watching;

    private ForeignLoad() {
    }

    static ForeignLoad watch() {
        return new ForeignLoad();
    }

    static boolean running() {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self)
                .map(p -> p.info().commandLine().orElse(""))
                .anyMatch(cmd -> cmd.contains("surefire") || cmd.contains("failsafe"));
    }

    /** Checks once a second until {@link #stop()}. */
    void start() {
        watching = true;
        Thread t = new Thread(() -> {
            while (watching) {
                if (running()) {
                    seen.set(true);
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "foreign-load");
        t.setDaemon(true);
        t.start();
    }

    void stop() {
        watching = false;
        if (running()) {
            seen.set(true);
        }
    }

    boolean seen() {
        return seen.get();
    }
}
