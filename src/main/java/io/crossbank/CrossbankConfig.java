package io.crossbank;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

import io.crossbank.ledger.TransferRecord;
import io.crossbank.recovery.commitmarkable.CommitMarkableLedger;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Every {@code crossbank.*} setting, with its default. Each is overridable by its environment variable
 * ({@code crossbank.recovery.period} by {@code CROSSBANK_RECOVERY_PERIOD}); docs/configuration.md says why each
 * default is what it is. Quarkus's own keys (datasources, transaction manager) stay in application.properties.
 */
@ConfigMapping(prefix = "crossbank")
public interface CrossbankConfig {

    Transfers transfers();

    Xa xa();

    Accounts accounts();

    Http http();

    Recovery recovery();

    Preflight preflight();

    InDoubt inDoubt();

    Txlog txlog();

    Ops ops();

    Bench bench();

    Events events();

    Saga saga();

    Drain drain();

    Nodes nodes();

    /** Read by the build (its private databases), declared so that they are known keys here too. */
    Db db();

    /** Read by the build (its private RabbitMQ node), declared so that they are known keys here too. */
    Broker broker();

    Browser browser();

    interface Transfers {

        /** The mode of a transfer whose request names none. */
        @WithDefault("xa")
        TransferRecord.Mode defaultMode();

        /** The largest amount one transfer may move. */
        @WithDefault("1000000000.00")
        BigDecimal maxAmount();

        /**
         * How many accounts' currencies the XA path keeps, so that a transfer between known accounts sends no read before
         * its conditional UPDATEs; 0 reads the first account's currency every time.
         */
        @WithDefault("100000")
        int currencyCacheSize();
    }

    interface Xa {

        /**
         * Read at start: the ledger (none, mysql, postgres) whose connection joins a cross-ledger XA transfer as
         * Narayana's commit-markable resource instead of as an XA branch.
         */
        @WithDefault("none")
        CommitMarkableLedger commitMarkableLedger();
    }

    interface Accounts {

        /** The largest balance an account may be opened with (money that enters from outside the two ledgers). */
        @WithDefault("1000000000.00")
        BigDecimal maxInitialBalance();
    }

    interface Http {

        /** The largest request body any operation accepts (413 beyond); a transfer or an account is a few hundred bytes. */
        @WithDefault("64K")
        MemorySize maxBodySize();
    }

    /** How fast Narayana's recovery manager resolves in-doubt branches (Narayana: 120 s, 10 s, 20 s). */
    interface Recovery {

        /** Pause between two recovery passes. */
        @WithDefault("5s")
        Duration period();

        /** Pause between the two phases of one recovery pass. */
        @WithDefault("1s")
        Duration backoff();

        /** Minimum age of a prepared branch without a log record before it is presumed aborted and rolled back. */
        @WithDefault("2s")
        Duration orphanSafetyInterval();
    }

    interface Preflight {

        /** Refuse to start when an XA prerequisite is missing; readiness reports every check either way. */
        @WithDefault("true")
        boolean enforce();
    }

    interface InDoubt {

        /** Readiness turns DOWN once a branch is in doubt longer; also the youngest branch an operator may decide. */
        @WithDefault("120s")
        Duration maxAge();

        /** How long metrics and readiness reuse one scan of both databases. */
        @WithDefault("5s")
        Duration scanInterval();
    }

    interface Txlog {

        /** Activates the non-XA "txlog" datasource for Narayana's JDBC object store (files by default). */
        @WithDefault("false")
        boolean enabled();
    }

    interface Ops {

        /** The password of user "ops" in the embedded realm; unset in prod, a random one nobody knows. */
        Optional<String> password();

        /** The password of user "viewer" (role viewer: reads /ops and the console, cannot act); unset in prod, random. */
        Optional<String> viewerPassword();
    }

    interface Bench {

        Baseline baseline();

        interface Baseline {

            /**
             * At build time: whether the benchmark-only endpoints exist; at run time: whether their two non-XA
             * datasources are active. Only src/bench/run.sh sets it.
             */
            @WithDefault("false")
            boolean enabled();
        }
    }

    interface Db {

        /** Port of the build's private PostgreSQL (dev and test URLs). */
        @WithName("pg-port")
        @WithDefault("25432")
        int pgPort();

        /** Port of the build's private MariaDB (dev and test URLs). */
        @WithName("mysql-port")
        @WithDefault("23306")
        int mysqlPort();

        /** Maven: do not start the private databases. */
        @WithDefault("false")
        boolean skip();

        /** Where the build keeps the private databases' data (CROSSBANK_DB_DIR). */
        Optional<String> dir();
    }

    interface Broker {

        /** AMQP port of the build's private RabbitMQ node (dev and test); its distribution port is this + 20000. */
        @WithDefault("25674")
        int port();

        /** Maven: do not start the private RabbitMQ node. */
        @WithDefault("false")
        boolean skip();

        /** Where the build keeps the private node's data, logs and cookie (CROSSBANK_BROKER_DIR). */
        Optional<String> dir();
    }

    /** The browser test of the operators' console (io.crossbank.ops.ConsoleBrowserIT); nothing in the app reads these. */
    interface Browser {

        /** Maven: skip the browser test (and its npm install) on a machine without chromium. */
        @WithDefault("false")
        boolean skip();

        /** The chromium binary Playwright drives, headless. */
        @WithDefault("/usr/bin/chromium")
        String chromium();

        /** Where the build installs playwright-core and the check script (target/browser). */
        Optional<String> dir();
    }

    /**
     * Transfer events: the outbox rows each transfer writes, and the relay that publishes them to RabbitMQ (the
     * connection itself is set by Quarkus's rabbitmq-host, rabbitmq-port, ... keys).
     */
    interface Events {

        /** Whether this instance runs the relay; the outbox rows are written either way. */
        @WithDefault("true")
        boolean relayEnabled();

        /** The CloudEvents {@code source} of every event; unset, {@code /crossbank/<transaction manager node name>}. */
        Optional<String> source();

        /** How often the relay looks for unsent rows when no commit woke it (a backstop: commits wake it at once). */
        @WithDefault("2s")
        Duration pollPeriod();

        /** The most rows one claim takes from one ledger (one local transaction, one wait for confirms). */
        @WithDefault("100")
        int batchSize();

        /** How long the relay waits for the broker's confirms of one batch before it counts them as failed. */
        @WithDefault("5s")
        Duration confirmTimeout();

        /** The pause before the first retry of a row the broker did not confirm or returned as unroutable. */
        @WithDefault("500ms")
        Duration retryInitialBackoff();

        /** The longest pause between two retries of one row (the backoff doubles up to this). */
        @WithDefault("30s")
        Duration retryMaxBackoff();

        /** How long the relay waits before trying to connect again after the broker was unreachable. */
        @WithDefault("2s")
        Duration reconnectDelay();

        /** How long a sent row stays in the outbox (for operators and re-drives) before it is pruned. */
        @WithDefault("24h")
        Duration retention();

        /** How often sent rows older than the retention are pruned. */
        @WithDefault("10m")
        Duration prunePeriod();

        /** How long the backlog metrics (crossbank_events_unsent, …_oldest_unsent_seconds) reuse one count per ledger. */
        @WithDefault("5s")
        Duration backlogScanInterval();

        /** GET /ops/events lists an unsent row once it has failed a publication or is older than this. */
        @WithDefault("60s")
        Duration stuckAfter();

        /** The reference consumer of transfer events (io.crossbank.events.consumer); off unless switched on. */
        Consumer consumer();

        interface Consumer {

            /** Runs the reference consumer on this instance and activates its "consumer" datasource. */
            @WithDefault("false")
            boolean enabled();

            /** Its quorum queue, bound to crossbank.events with transfer.#. */
            @WithDefault("crossbank.reference-consumer")
            String queue();

            /** The queue's x-delivery-limit: how often a message may be returned before it is dead-lettered (3.10: no default). */
            @WithDefault("5")
            int deliveryLimit();

            /** The durable fanout exchange the queue dead-letters to. */
            @WithDefault("crossbank.reference-consumer.dlx")
            String deadLetterExchange();

            /** The durable queue holding dead-lettered messages until an operator looks at them or re-drives them. */
            @WithDefault("crossbank.reference-consumer.dlq")
            String deadLetterQueue();

            /** Unacknowledged messages the broker may have in flight to the consumer at once. */
            @WithDefault("20")
            int prefetch();

            /** The pause before a message whose effect could not be stored is returned to the queue (and redelivered). */
            @WithDefault("1s")
            Duration retryDelay();

            /** How long the consumer waits before trying to connect again after the broker was unreachable. */
            @WithDefault("2s")
            Duration reconnectDelay();
        }
    }

    /** Saga mode (docs/sagas.md): how long a request waits for its saga, and how unfinished sagas are resumed. */
    interface Saga {

        /** How long POST /transfers waits for a saga to finish before it answers 202 PENDING (Prefer: wait=N overrides). */
        @WithName("wait")
        @WithDefault("1s")
        Duration waitTime();

        /** The longest wait a Prefer: wait=N header may ask for; larger values are cut to this. */
        @WithDefault("30s")
        Duration maxWait();

        /**
         * How long an instance holds a saga it works on before another may take it over: longer than the transaction
         * timeout of one step, so that a live instance is not overtaken.
         */
        @WithDefault("30s")
        Duration lease();

        /** How often the resumer looks for due sagas when nothing woke it (a backstop). */
        @WithDefault("2s")
        Duration pollPeriod();

        /** The most sagas one claim takes from one ledger. */
        @WithDefault("50")
        int batchSize();

        /** Threads that run the steps after step 1 for the requests of this instance. */
        @WithDefault("4")
        int workers();

        /** The pause before the first retry of a step that met an unreachable or busy ledger. */
        @WithDefault("500ms")
        Duration retryInitialBackoff();

        /** The longest pause between two retries of one step (the backoff doubles up to this). */
        @WithDefault("30s")
        Duration retryMaxBackoff();

        /** Failed attempts after which a saga is flagged stuck (it is still retried, at the longest backoff). */
        @WithDefault("20")
        int maxAttempts();

        /**
         * How long the saga metrics (crossbank_sagas, crossbank_sagas_oldest_pending_seconds) reuse one count per ledger:
         * counting the settled sagas reads the whole transfer table, so a scrape must not do it each time.
         */
        @WithDefault("15s")
        Duration metricsScanInterval();
    }

    /** Draining before this instance stops (SIGTERM) or on POST /ops/drain (docs/kubernetes.md). */
    interface Drain {

        /**
         * The longest a drain waits for the transfers in flight and runs recovery passes until this node owns no log
         * record and no prepared branch; what is left then is reported. Below the pod's termination grace period.
         */
        @WithDefault("45s")
        Duration timeout();

        /** Whether SIGTERM (Quarkus's shutdown) drains first; off in dev (each reload would drain) and tests. */
        @WithDefault("true")
        boolean onShutdown();
    }

    /** Node leases: which node names have a live instance, and who adopts a departed node's recovery (docs/kubernetes.md). */
    interface Nodes {

        /** How long a node's lease stays valid without renewal; a node whose lease expired is departed. */
        @WithDefault("20s")
        Duration lease();

        /** How often each instance renews its own lease and looks for departed nodes. */
        @WithDefault("5s")
        Duration renewPeriod();

        /**
         * With the JDBC object store: whether a live instance adopts a departed node, i.e. commits the prepared branches
         * its log decided, rolls back the others and removes its finished log records.
         */
        @WithDefault("true")
        boolean adopt();

        /** With the file object store: scale the StatefulSet back up when a departed pod left branches (needs RBAC). */
        Guard scaleGuard();

        interface Guard {

            /** Off by default: it needs a Role allowing get and patch on statefulsets/scale (src/main/kubernetes/scale-guard). */
            @WithDefault("false")
            boolean enabled();

            /** The StatefulSet whose pods the node names are; unset, this pod's name without its ordinal. */
            Optional<String> statefulSet();

            /** Its namespace; unset, the pod's service account's. */
            Optional<String> namespace();

            /** The Kubernetes API server as a pod reaches it. */
            @WithDefault("https://kubernetes.default.svc")
            java.net.URI apiUrl();
        }
    }
}
