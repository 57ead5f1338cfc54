package io.redischat.redis.control;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import redis.clients.jedis.HostAndPort;

/**
 * A parsed {@code CHANNEL_REDIS_URL}:
 * <ul>
 * <li>{@code redis://[user[:password]@]host[:port][/db]}, {@code rediss://} for TLS: one Redis;</li>
 * <li>{@code redis-sentinel://[user[:password]@]host:port,host:port,.../db?master=name}: a master found through
 * Sentinel (the credentials are the master's);</li>
 * <li>{@code redis-cluster://[user[:password]@]host:port,host:port,...}: a Redis Cluster from seed nodes.</li>
 * </ul>
 * Parsed by hand because {@link java.net.URI} has no host for names with '_' such as the guide's {@code redis_green}.
 * Its {@link #toString()} masks the user and password so the URL can be shown and logged; no error message repeats
 * any part of them.
 */
public record RedisUrl(Mode mode, List<HostAndPort> nodes, String user, String password, int database, boolean tls,
                       String masterName) {

    public enum Mode { STANDALONE, SENTINEL, CLUSTER }

    private static final String NODE = "(?:\\[[0-9a-fA-F:.]+]|[A-Za-z0-9._-]+)(?::\\d{1,5})?";
    private static final Pattern URL = Pattern.compile(
            "(?<scheme>rediss?(?:-sentinel|-cluster)?)://(?:(?<user>[^:@/]*)(?::(?<password>[^@/]*))?@)?"
                    + "(?<nodes>" + NODE + "(?:," + NODE + ")*)(?:/(?<db>\\d{0,5}))?/?(?:\\?(?<query>[^#]*))?");

    public static RedisUrl parse(String text) {
        Matcher url = text == null ? null : URL.matcher(text.strip());
        if (url == null || !url.matches()) {
            throw new IllegalArgumentException("CHANNEL_REDIS_URL must look like redis://[user:password@]host:port/db"
                    + " (or rediss://, redis-sentinel://h1:26379,h2:26379/db?master=name, redis-cluster://h1:7000,...): "
                    + masked(text));
        }
        String scheme = url.group("scheme").toLowerCase(Locale.ROOT);
        Mode mode = scheme.endsWith("-sentinel") ? Mode.SENTINEL
                : scheme.endsWith("-cluster") ? Mode.CLUSTER : Mode.STANDALONE;
        int defaultPort = mode == Mode.SENTINEL ? 26379 : 6379;
        List<HostAndPort> nodes = new ArrayList<>();
        for (String node : url.group("nodes").split(",")) {
            nodes.add(node(node, defaultPort));
        }
        if (mode == Mode.STANDALONE && nodes.size() > 1) {
            throw new IllegalArgumentException("several hosts need redis-sentinel:// or redis-cluster://: " + masked(text));
        }
        String db = url.group("db");
        String master = queryParameter(url.group("query"), "master", text);
        if (mode == Mode.SENTINEL && master == null) {
            throw new IllegalArgumentException("redis-sentinel:// needs ?master=<name>: " + masked(text));
        }
        return new RedisUrl(mode, List.copyOf(nodes), decoded(url.group("user"), text),
                decoded(url.group("password"), text), db == null || db.isEmpty() ? 0 : Integer.parseInt(db),
                scheme.startsWith("rediss"), master);
    }

    /** The single server of a standalone URL (the first node otherwise). */
    public HostAndPort hostAndPort() {
        return nodes.get(0);
    }

    /**
     * The URL as it may be shown, even publicly: user and password become {@code ****} (an ACL user name is half of
     * a credential, and tells an attacker which user to guess for).
     */
    @Override
    public String toString() {
        String credentials = user != null || password != null ? "****@" : "";
        String scheme = (tls ? "rediss" : "redis") + switch (mode) {
            case STANDALONE -> "";
            case SENTINEL -> "-sentinel";
            case CLUSTER -> "-cluster";
        };
        String hosts = nodes.stream()
                .map(n -> (n.getHost().contains(":") ? "[" + n.getHost() + "]" : n.getHost()) + ":" + n.getPort())
                .collect(Collectors.joining(","));
        return scheme + "://" + credentials + hosts + (mode == Mode.CLUSTER ? "" : "/" + database)
                + (masterName == null ? "" : "?master=" + masterName);
    }

    /**
     * Masks everything between {@code ://} and the last {@code @} of a URL that could not even be parsed: a
     * password may itself hold '/' or '@'.
     */
    static String masked(String text) {
        return text == null ? "null" : text.replaceAll("(?s)://.*@", "://****@");
    }

    private static HostAndPort node(String text, int defaultPort) {
        int portSeparator = text.lastIndexOf(':');
        boolean bracketed = text.startsWith("[");
        if (portSeparator < 0 || (bracketed && portSeparator < text.indexOf(']'))) {
            return new HostAndPort(bracketed ? text.substring(1, text.length() - 1) : text, defaultPort);
        }
        String host = text.substring(0, portSeparator);
        if (bracketed) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostAndPort(host, Integer.parseInt(text.substring(portSeparator + 1)));
    }

    private static String queryParameter(String query, String name, String text) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).equals(name)) {
                return decoded(pair.substring(equals + 1), text);
            }
        }
        return null;
    }

    /**
     * A %-decoded part of the URL. URLDecoder's own error quotes the characters after the bad '%', which sit in the
     * middle of a password: its message is dropped.
     */
    private static String decoded(String value, String text) {
        try {
            return value == null || value.isEmpty() ? null : URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            throw new IllegalArgumentException("CHANNEL_REDIS_URL has a '%' that is not followed by two hex digits"
                    + " (escape a literal '%' as %25): " + masked(text));
        }
    }
}
