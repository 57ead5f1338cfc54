package io.redischat.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientAddressTest {

    static final Set<String> PROXIES = Set.of("10.0.0.2", "10.0.0.3");

    @ParameterizedTest(name = "peer {0}, X-Forwarded-For \"{1}\": {2}")
    @CsvSource(nullValues = "-", delimiter = ';', value = {
            "198.51.100.7; -; 198.51.100.7",                                  // no proxy
            "198.51.100.7; 203.0.113.9; 198.51.100.7",                        // an untrusted peer's header is ignored
            "10.0.0.2; -; 10.0.0.2",                                          // the proxy itself
            "10.0.0.2; 203.0.113.9; 203.0.113.9",                             // one trusted proxy
            "10.0.0.2; 203.0.113.9, 10.0.0.3; 203.0.113.9",                   // two trusted proxies
            "10.0.0.2; 6.6.6.6, 203.0.113.9; 203.0.113.9",                    // what the client wrote itself is left
            "10.0.0.2; 2001:db8::1; 2001:db8::1",                             // IPv6
            "10.0.0.2; 'evil, Injected: yes'; 10.0.0.2",                 // not an address: the peer
            "10.0.0.2; 10.0.0.3; 10.0.0.3",                                   // only proxies: the farthest
    })
    void theClientIsTheNearestAddressNoTrustedProxyVouchesFor(String peer, String forwardedFor, String expected) {
        assertEquals(expected, ClientAddress.resolve(peer, forwardedFor, PROXIES));
    }
}
