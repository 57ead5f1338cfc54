package io.redischat.deployment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.redischat.testsupport.NginxProcess;

/** The proxy configuration shipped in docker/ is valid nginx configuration ({@code nginx -t}). */
class NginxConfigTest {

    @Test
    void shippedConfigPassesNginxTest() {
        String result = NginxProcess.check(List.of("127.0.0.1:8080"));
        assertTrue(result.startsWith("0: ") && result.contains("syntax is ok"), result);
    }
}
