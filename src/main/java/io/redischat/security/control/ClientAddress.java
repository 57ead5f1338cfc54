package io.redischat.security.control;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The address of the client behind a request: the peer's, unless the peer is a trusted proxy; then the nearest
 * address in {@code X-Forwarded-For} that is not a trusted proxy itself (the ones further left could be made up by
 * the client).
 */
public final class ClientAddress {

    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private ClientAddress() {
    }

    public static String resolve(String peer, String forwardedFor, Set<String> trustedProxies) {
        if (forwardedFor == null || !trustedProxies.contains(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!ADDRESS.matcher(hop).matches()) {
                return peer;
            }
            if (!trustedProxies.contains(hop) || i == 0) {
                return hop;
            }
        }
        return peer;
    }
}
