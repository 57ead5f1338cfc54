package io.redischat.redis.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RedisUrlTest {

    @Test
    void readsHostPortDatabaseAndDefaults() {
        RedisUrl url = RedisUrl.parse("redis://redis_green:6379/0");
        assertEquals("redis_green", url.hostAndPort().getHost());
        assertEquals(6379, url.hostAndPort().getPort());
        assertEquals(0, url.database());
        assertFalse(url.tls());
        assertNull(url.password());
        assertEquals("redis://redis_green:6379/0", url.toString());

        RedisUrl bare = RedisUrl.parse("redis://localhost");
        assertEquals(6379, bare.hostAndPort().getPort());
        assertEquals("redis://localhost:6379/0", bare.toString());
    }

    @Test
    void readsCredentialsAndNeverShowsThePassword() {
        RedisUrl url = RedisUrl.parse("rediss://chat:s3cr3t@cache.internal:6380/2");
        assertEquals("chat", url.user());
        assertEquals("s3cr3t", url.password());
        assertEquals(2, url.database());
        assertTrue(url.tls());
        assertEquals("rediss://****@cache.internal:6380/2", url.toString());
        assertEquals("redis://****@host:6379/0", RedisUrl.parse("redis://:pw@host:6379/0").toString());
        assertEquals("redis://****@host:6379/0", RedisUrl.parse("redis://acl-user@host:6379/0").toString());
        assertEquals("p@ss/word", RedisUrl.parse("redis://u:p%40ss%2Fword@h:1/0").password());
        assertEquals("::1", RedisUrl.parse("redis://[::1]:7000").hostAndPort().getHost());
    }

    @Test
    void readsSentinelAndClusterUrls() {
        RedisUrl sentinel = RedisUrl.parse("redis-sentinel://:pw@s1:26379,s2,s3:26381/1?master=chat-master");
        assertEquals(RedisUrl.Mode.SENTINEL, sentinel.mode());
        assertEquals(3, sentinel.nodes().size());
        assertEquals(26379, sentinel.nodes().get(1).getPort());
        assertEquals("chat-master", sentinel.masterName());
        assertEquals(1, sentinel.database());
        assertEquals("redis-sentinel://****@s1:26379,s2:26379,s3:26381/1?master=chat-master", sentinel.toString());

        RedisUrl cluster = RedisUrl.parse("redis-cluster://127.0.0.1:7000,127.0.0.1:7001");
        assertEquals(RedisUrl.Mode.CLUSTER, cluster.mode());
        assertEquals(2, cluster.nodes().size());
        assertEquals("redis-cluster://127.0.0.1:7000,127.0.0.1:7001", cluster.toString());

        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("redis-sentinel://s1:26379/0"));
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("redis://a:1,b:2/0"));
    }

    @Test
    void refusesWhatIsNotARedisUrlWithoutEchoingThePassword() {
        var notRedis = assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("http://u:hunter2@h:1/0"));
        assertFalse(notRedis.getMessage().contains("hunter2"), notRedis.getMessage());
        var garbage = assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("redis://u:hunter2@h:x y"));
        assertFalse(garbage.getMessage().contains("hunter2"), garbage.getMessage());
    }

    @Test
    void aBadPercentEscapeIsRefusedWithoutAnyPartOfTheUserOrPassword() {
        for (String text : new String[] {"redis://user:pa%zzss@host:6379", "redis://us%zzer:secret@host:6379",
                "redis://user:pass%4@host:6379", "redis-sentinel://u:p%zz@s1/0?master=m"}) {
            var refused = assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse(text));
            String message = refused.getMessage();
            for (String part : new String[] {"zz", "pa%", "ss@", "secret", "us%", "%4", "user:"}) {
                assertFalse(message.contains(part), part + " in: " + message);
            }
            assertTrue(message.contains("escape"), message);
        }
    }
}
