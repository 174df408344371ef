package io.crossbank.benchload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy that delays each direction by a fixed one-way time: a simulated network in front of a database,
 * built in user space because this kernel has no netem qdisc. Per connection and direction, a reader thread
 * stamps every chunk it reads with arrival + delay, a writer thread delivers the chunks in order, none before its
 * stamp (so the delay is a latency, not a bandwidth cap: chunks in flight overlap). TCP_NODELAY on both sides.
 *
 * <p>It counts round trips: on each connection, every time the server answers after the client has sent (the
 * direction of traffic turns from client-to-server to server-to-client). With {@code stats=FILE} it rewrites
 * FILE every 200 ms as {@code key=value} lines (connections, roundTrips, bytes each way), which the sweep reads at
 * the edges of every window.
 *
 * <p>usage: {@code DelayProxy listen=PORT target=HOST:PORT delayMs=0.25 [stats=FILE]}
 */
public final class DelayProxy {

    private static final byte[] END = new byte[0];

    private final long delayNanos;
    private final InetSocketAddress target;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicLong bytesToServer = new AtomicLong();
    private final AtomicLong bytesToClient = new AtomicLong();

    private DelayProxy(long delayNanos, InetSocketAddress target) {
        this.delayNanos = delayNanos;
        this.target = target;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = Args.of(argv);
        String[] hostPort = args.get("target").split(":");
        DelayProxy proxy = new DelayProxy(Math.round(Double.parseDouble(args.get("delayMs")) * 1_000_000),
                new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
        if (args.containsKey("stats")) {
            proxy.writeStatsEvery200Ms(Path.of(args.get("stats")));
        }
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args.get("listen"))), 512);
            System.out.printf("DelayProxy: 127.0.0.1:%s -> %s, %s ms each way%n", args.get("listen"), args.get("target"), args.get("delayMs"));
            while (true) {
                Socket client = server.accept();
                daemon(() -> proxy.serve(client));
            }
        }
    }

    private void serve(Socket client) {
        try {
            Socket server = new Socket();
            server.setTcpNoDelay(true);
            server.connect(target, 5000);
            client.setTcpNoDelay(true);
            connections.incrementAndGet();
            // true while the last chunk seen on this connection went from the client to the server
            AtomicLong lastFromClient = new AtomicLong();
            pipe(client, server, true, lastFromClient);
            pipe(server, client, false, lastFromClient);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private void pipe(Socket from, Socket to, boolean toServer, AtomicLong lastFromClient) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        LinkedBlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
        daemon(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    long due = System.nanoTime() + delayNanos;
                    if (toServer) {
                        lastFromClient.set(1);
                        bytesToServer.addAndGet(n);
                    } else {
                        if (lastFromClient.getAndSet(0) == 1) {
                            roundTrips.incrementAndGet();
                        }
                        bytesToClient.addAndGet(n);
                    }
                    queue.put(new Object[] { due, Arrays.copyOf(buffer, n) });
                }
            } catch (IOException | InterruptedException e) {
                // the connection is gone: the writer closes both sides
            }
            queue.add(new Object[] { System.nanoTime() + delayNanos, END });
        });
        daemon(() -> {
            try {
                while (true) {
                    Object[] chunk = queue.take();
                    for (long wait; (wait = (long) chunk[0] - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(wait);
                    }
                    byte[] bytes = (byte[]) chunk[1];
                    if (bytes == END) {
                        break;
                    }
                    out.write(bytes);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the peer went away
            }
            closeQuietly(from);
            closeQuietly(to);
        });
    }

    private void writeStatsEvery200Ms(Path file) {
        daemon(() -> {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            while (true) {
                String text = "connections=" + connections.get() + "\nroundTrips=" + roundTrips.get() + "\nbytesToServer="
                        + bytesToServer.get() + "\nbytesToClient=" + bytesToClient.get() + "\n";
                try {
                    Files.writeString(tmp, text, StandardCharsets.UTF_8);
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    TimeUnit.MILLISECONDS.sleep(200);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** A daemon platform thread with a small stack (Java 17: no virtual threads); four per proxied connection. */
    private static void daemon(Runnable body) {
        Thread t = new Thread(null, body, "delay-proxy", 256 * 1024);
        t.setDaemon(true);
        t.start();
    }
}
