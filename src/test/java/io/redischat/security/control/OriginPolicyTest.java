package io.redischat.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Origin/Host matrix: who may open a WebSocket, with and without configured public origins. */
class OriginPolicyTest {

    @ParameterizedTest(name = "[{index}] Origin {0} to {1}://{2}: {3}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            # Origin                    | request scheme | Host              | allowed
            http://localhost:8080       | http           | localhost:8080    | true
            HTTP://LocalHost:8080       | http           | LOCALHOST:8080    | true
            http://localhost            | http           | localhost:80      | true
            http://localhost:80         | http           | localhost         | true
            https://chat.example.com    | https          | chat.example.com  | true
            https://chat.example.com:443| https          | chat.example.com  | true
            http://127.0.0.1:8080       | http           | 127.0.0.1:8080    | true
            http://[::1]:8080           | http           | [::1]:8080        | true
            http://evil.example         | http           | localhost:8080    | false
            http://localhost:8081       | http           | localhost:8080    | false
            http://localhost            | http           | localhost:8080    | false
            https://localhost:8080      | http           | localhost:8080    | false
            ftp://localhost:8080        | http           | localhost:8080    | false
            ws://localhost:8080         | http           | localhost:8080    | false
            http://localhost:8080/      | http           | localhost:8080    | false
            http://user@localhost:8080  | http           | localhost:8080    | false
            http://localhost:8080.evil.example | http    | localhost:8080    | false
            http://localhost.evil.example:8080 | http    | localhost:8080    | false
            null                        | http           | localhost:8080    | false
            http://localhost:8080       | http           | NULL              | false
            http://localhost:8080       | http           | localhost:8080:1  | false
            http://partner.example      | http           | localhost:8080    | true
            https://partner.example:8443| http           | localhost:8080    | true
            https://partner.example     | http           | localhost:8080    | false
            """)
    void withoutPublicOriginsThePagesOwnOriginAndTheAllowedOnesMayConnect(String origin, String scheme, String host,
                                                                           boolean allowed) {
        var policy = OriginPolicy.of(null, "http://partner.example, https://partner.example:8443/");
        assertEquals(allowed, policy.allows(origin, scheme, host));
    }

    @ParameterizedTest(name = "[{index}] Origin {0} to {1}://{2}: {3}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            # Origin                        | request scheme | Host                  | allowed
            https://chat.example.com        | http           | chat.example.com      | true
            https://chat.example.com:443    | http           | chat.example.com:443  | true
            https://CHAT.example.com        | http           | Chat.Example.Com      | true
            http://localhost:8080           | http           | localhost:8080        | true
            http://partner.example          | http           | chat.example.com      | true
            https://chat.example.com        | http           | evil.example          | false
            https://chat.example.com        | http           | chat.example.com:8080 | false
            https://chat.example.com        | http           | NULL                  | false
            http://chat.example.com         | http           | chat.example.com      | false
            ftp://chat.example.com          | http           | chat.example.com      | false
            https://chat.example.com:8443   | http           | chat.example.com      | false
            https://evil.example            | http           | chat.example.com      | false
            http://evil.example             | http           | evil.example          | false
            http://localhost:8081           | http           | localhost:8081        | false
            http://localhost:8080           | http           | localhost             | false
            """)
    void withPublicOriginsOriginAndHostMustBeOnesThisServiceIsPublishedUnder(String origin, String scheme,
                                                                              String host, boolean allowed) {
        var policy = OriginPolicy.of("https://chat.example.com,http://localhost:8080", "http://partner.example");
        assertEquals(allowed, policy.allows(origin, scheme, host));
    }

    @ParameterizedTest(name = "[{index}] {0} with Host {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            http://anything.example     | chat.example.com | true
            https://chat.example.com    | evil.example     | false
            """)
    void aWildcardAllowsAnyOriginButNotAnUnpublishedHost(String origin, String host, boolean allowed) {
        assertEquals(allowed, OriginPolicy.of("https://chat.example.com", "*").allows(origin, "http", host));
        assertEquals(true, OriginPolicy.of(null, "*").allows(origin, "http", host));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            chat.example.com        | NULL
            NULL                    | https://chat.example.com/app
            ftp://chat.example.com  | NULL
            """, nullValues = "NULL")
    void aSettingThatIsNoOriginIsRefusedAtStart(String publicOrigins, String allowedOrigins) {
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.of(publicOrigins, allowedOrigins));
    }
}
