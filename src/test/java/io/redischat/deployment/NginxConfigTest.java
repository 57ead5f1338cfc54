package io.redischat.deployment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.redischat.testsupport.NginxProcess;

/** The proxy configuration shipped in docker/, with each blue/green upstream file, passes {@code nginx -t}. */
class NginxConfigTest {

    @ParameterizedTest
    @ValueSource(strings = {"upstream-green.conf", "upstream-blue-green.conf", "upstream-blue.conf"})
    void shippedConfigPassesNginxTest(String upstreamFile) {
        String result = NginxProcess.check(Path.of("docker/nginx", upstreamFile), List.of("127.0.0.1:8080"));
        assertTrue(result.startsWith("0: ") && result.contains("syntax is ok"), result);
    }
}
