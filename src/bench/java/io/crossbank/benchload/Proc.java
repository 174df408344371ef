package io.crossbank.benchload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU time and memory of processes, read from /proc (Linux only). */
final class Proc {

    /** Clock ticks per second (getconf CLK_TCK); 100 on every Linux this runs on. */
    static final double TICKS = Double.parseDouble(System.getProperty("clk.tck", "100"));

    private Proc() {
    }

    /** CPU seconds used so far by the process and its waited-for children. */
    static double cpuSeconds(long pid) {
        long[] f = stat(pid);
        return f == null ? 0 : (f[1] + f[2] + f[3] + f[4]) / TICKS;
    }

    /**
     * CPU seconds of a process tree one level deep: the process, its live children (PostgreSQL's backends
     * and auxiliary processes are children of the postmaster) and the children that already exited.
     */
    static double treeCpuSeconds(long root) {
        long ticks = 0;
        try (Stream<Path> all = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                long[] f = stat(pid);
                if (f == null) {
                    continue;
                }
                if (pid == root) {
                    ticks += f[1] + f[2] + f[3] + f[4];
                } else if (f[0] == root) {
                    ticks += f[1] + f[2];
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return ticks / TICKS;
    }

    /** Busy and total jiffies of the whole machine, from /proc/stat. */
    static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** Read and write system calls made so far by all threads of the process (syscr, syscw of /proc/pid/io), or null. */
    static long[] syscalls(long pid) {
        try {
            long r = 0;
            long w = 0;
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "io"))) {
                if (line.startsWith("syscr:")) {
                    r = Long.parseLong(line.substring(6).trim());
                } else if (line.startsWith("syscw:")) {
                    w = Long.parseLong(line.substring(6).trim());
                }
            }
            return new long[] {r, w};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Context switches of the whole machine since boot (the ctxt line of /proc/stat), or -1. */
    static long machineContextSwitches() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("ctxt ")) {
                    return Long.parseLong(line.substring(5).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** A field of /proc/pid/status in kB (VmRSS, VmHWM), or -1. */
    static long statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** ppid, utime, stime, cutime, cstime; null if the process is gone. */
    private static long[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // The command name may hold spaces and parentheses: fields start after the last ')'.
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state), so field n is f[n - 3].
            return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                    Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
