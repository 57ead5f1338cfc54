package io.redischat.security.control;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.Dependent;

import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Who counts as a client and how fast it may open sockets ({@code chat.*}). The defaults here are the only ones. */
@ConfigProperties(prefix = "chat")
@Dependent
public class NetworkSettings {

    /**
     * Addresses of proxies (nginx, a load balancer) whose {@code X-Forwarded-For} is believed, comma-separated. None
     * by default: then every client behind a proxy counts as the proxy's address.
     */
    @ConfigProperty(name = "network.trusted-proxies")
    public Optional<String> trustedProxies = Optional.empty();

    /** WebSocket handshakes a second one client address may open (bursts of twice as many); beyond: HTTP 429. */
    @ConfigProperty(name = "client.max-handshakes-per-second", defaultValue = "100")
    public int maxHandshakesPerSecond;

    public Set<String> trustedProxySet() {
        return Arrays.stream(trustedProxies.orElse("").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
