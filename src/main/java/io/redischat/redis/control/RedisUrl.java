package io.redischat.redis.control;

import java.net.URI;
import java.net.URISyntaxException;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * A parsed {@code CHANNEL_REDIS_URL}: {@code redis://[user[:password]@]host[:port][/db]} or {@code rediss://} for TLS.
 * Its {@link #toString()} masks the password so the URL can be shown and logged.
 */
public record RedisUrl(URI uri, HostAndPort hostAndPort, String user, String password, int database, boolean tls) {

    public static RedisUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("CHANNEL_REDIS_URL is not a URL: " + masked(text));
        }
        if (!JedisURIHelper.isValid(uri) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "CHANNEL_REDIS_URL must look like redis://[user:password@]host:port/db or rediss://...: " + masked(text));
        }
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        boolean tls = JedisURIHelper.isRedisSSLScheme(uri);
        String user = blankToNull(JedisURIHelper.getUser(uri));
        String password = blankToNull(JedisURIHelper.getPassword(uri));
        int db = JedisURIHelper.hasDbIndex(uri) ? JedisURIHelper.getDBIndex(uri) : 0;
        return new RedisUrl(uri, new HostAndPort(uri.getHost(), port), user, password, db, tls);
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
        return (tls ? "rediss" : "redis") + "://" + credentials + hostAndPort.getHost() + ":" + hostAndPort.getPort()
                + "/" + database;
    }

    /** Masks whatever sits between {@code ://} and {@code @} of a URL that could not even be parsed. */
    static String masked(String text) {
        return text == null ? "null" : text.replaceAll("://[^@/]*@", "://****@");
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
