package io.redischat.redis.control;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import redis.clients.jedis.HostAndPort;

/**
 * A parsed {@code CHANNEL_REDIS_URL}: {@code redis://[user[:password]@]host[:port][/db]} or {@code rediss://} for TLS.
 * Parsed by hand because {@link java.net.URI} has no host for names with '_' such as the guide's {@code redis_green}.
 * Its {@link #toString()} masks the password so the URL can be shown and logged.
 */
public record RedisUrl(HostAndPort hostAndPort, String user, String password, int database, boolean tls) {

    private static final Pattern URL = Pattern.compile(
            "(?<scheme>rediss?)://(?:(?<user>[^:@/]*)(?::(?<password>[^@/]*))?@)?"
                    + "(?<host>\\[[0-9a-fA-F:.]+]|[A-Za-z0-9._-]+)(?::(?<port>\\d{1,5}))?(?:/(?<db>\\d{0,5}))?/?");

    public static RedisUrl parse(String text) {
        Matcher url = text == null ? null : URL.matcher(text.strip());
        if (url == null || !url.matches()) {
            throw new IllegalArgumentException(
                    "CHANNEL_REDIS_URL must look like redis://[user:password@]host:port/db or rediss://...: "
                            + masked(text));
        }
        String host = url.group("host");
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = url.group("port") == null ? 6379 : Integer.parseInt(url.group("port"));
        String db = url.group("db");
        return new RedisUrl(new HostAndPort(host, port), decoded(url.group("user")), decoded(url.group("password")),
                db == null || db.isEmpty() ? 0 : Integer.parseInt(db), "rediss".equals(url.group("scheme")));
    }

    /** The URL as it may be shown: a password becomes {@code ****}. */
    @Override
    public String toString() {
        String credentials = "";
        if (password != null) {
            credentials = (user == null ? "" : user) + ":****@";
        } else if (user != null) {
            credentials = user + "@";
        }
        String host = hostAndPort.getHost().contains(":") ? "[" + hostAndPort.getHost() + "]" : hostAndPort.getHost();
        return (tls ? "rediss" : "redis") + "://" + credentials + host + ":" + hostAndPort.getPort() + "/" + database;
    }

    /** Masks whatever sits between {@code ://} and {@code @} of a URL that could not even be parsed. */
    static String masked(String text) {
        return text == null ? "null" : text.replaceAll("://[^/]*@", "://****@");
    }

    private static String decoded(String value) {
        return value == null || value.isEmpty() ? null : URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
