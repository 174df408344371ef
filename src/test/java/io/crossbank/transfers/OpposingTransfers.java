package io.crossbank.transfers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.crossbank.support.Api;

/** Clients sending transfers back and forth between two accounts, half of them in each direction, at once. */
public final class OpposingTransfers {

    private OpposingTransfers() {
    }

    /** Sends them to {@code path} and counts the answers by HTTP status. */
    public static Map<Integer, Integer> run(String path, String a, String b, int clients, int transfersPerClient) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                String from = c % 2 == 0 ? a : b;
                String to = c % 2 == 0 ? b : a;
                results.add(pool.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    for (int i = 0; i < transfersPerClient; i++) {
                        statuses.add(Api.transferVia(path, from, to, "1.00").statusCode());
                    }
                    return statuses;
                }));
            }
            Map<Integer, Integer> count = new TreeMap<>();
            for (Future<List<Integer>> result : results) {
                result.get().forEach(status -> count.merge(status, 1, Integer::sum));
            }
            return count;
        } finally {
            pool.shutdownNow();
        }
    }
}
