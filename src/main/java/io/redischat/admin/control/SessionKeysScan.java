package io.redischat.admin.control;

import java.util.ArrayList;
import java.util.List;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import io.redischat.redis.control.SessionKeys;

/**
 * A session's idempotency keys ({@code chat:{id}:cid:*}), found with SCAN. Their pattern carries the session's hash
 * tag, so on a Cluster the scan runs on the one node of that slot.
 */
final class SessionKeysScan {

    private SessionKeysScan() {
    }

    static List<String> idempotencyKeys(UnifiedJedis client, SessionKeys keys) {
        var found = new ArrayList<String>();
        ScanParams params = new ScanParams().match(keys.idempotencyPrefix() + "*").count(1000);
        String cursor = "0";
        do {
            ScanResult<String> step = client.scan(cursor, params);
            found.addAll(step.getResult());
            cursor = step.getCursor();
        } while (!"0".equals(cursor));
        return found;
    }
}
