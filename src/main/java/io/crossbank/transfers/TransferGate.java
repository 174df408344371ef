package io.crossbank.transfers;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.crossbank.problems.ProblemException;
import io.crossbank.problems.ProblemType;

/**
 * Admits new transfers until the instance drains, and counts those in flight so that a drain can wait for them.
 * A transfer admitted before {@link #close()} runs to its end; one arriving after is refused with 503 draining.
 */
@ApplicationScoped
public class TransferGate {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean open = true;
    private volatile String node = "this instance";

    /** A transfer in flight: closing it lets a waiting drain go on. */
    public interface Ticket extends AutoCloseable {
        @Override
        void close();
    }

    Ticket admit() {
        inFlight.incrementAndGet();
        // Counted first, checked second: a drain that closed the gate in between sees this transfer and waits for it.
        if (!open) {
            leave();
            throw new ProblemException(ProblemType.DRAINING, "Instance " + node + " is draining before it stops and takes no new "
                    + "transfers; nothing was changed. Retry later.");
        }
        return this::leave;
    }

    /** Refuses every transfer from now on; those already admitted go on. */
    public void close(String nodeName) {
        this.node = nodeName;
        open = false;
    }

    public boolean isOpen() {
        return open;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** @return whether no transfer was in flight any more before the timeout */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    private void leave() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }
}
