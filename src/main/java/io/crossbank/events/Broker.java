package io.crossbank.events;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.rabbitmq.client.ConnectionFactory;

/**
 * The RabbitMQ broker, as Quarkus's own keys name it (rabbitmq-host, -port, -username, -password, -virtual-host; env
 * RABBITMQ_HOST, …), for the relay and the reference consumer, which use the plain client.
 */
@ApplicationScoped
public class Broker {

    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final String virtualHost;

    Broker(@ConfigProperty(name = "rabbitmq-host") String host, @ConfigProperty(name = "rabbitmq-port") int port,
            @ConfigProperty(name = "rabbitmq-username") String username, @ConfigProperty(name = "rabbitmq-password") String password,
            @ConfigProperty(name = "rabbitmq-virtual-host") String virtualHost) {
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
        this.virtualHost = virtualHost;
    }

    /**
     * A connection factory without the client's automatic recovery: each user reconnects by itself, at its own pace,
     * and redeclares what it needs (the relay re-reads what is unsent from the outbox; unacked deliveries of a lost
     * consumer connection come back from the queue).
     */
    public ConnectionFactory connectionFactory(Duration connectionTimeout) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        factory.setConnectionTimeout((int) connectionTimeout.toMillis());
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        return factory;
    }

    /** For log lines: host:port and virtual host. */
    public String address() {
        return host + ":" + port + " (virtual host " + virtualHost + ")";
    }
}
