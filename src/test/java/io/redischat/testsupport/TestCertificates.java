package io.redischat.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A throwaway CA and a server certificate for 127.0.0.1, made with openssl, and a PKCS12 truststore of the CA. */
public record TestCertificates(Path directory, Path caCertificate, Path serverCertificate, Path serverKey,
                               Path truststore, String truststorePassword) {

    public static TestCertificates create() {
        try {
            Path dir = Files.createTempDirectory("redis-chat-tls-");
            run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                    "-days", "2", "-subj", "/CN=redis-chat test CA");
            run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                    "-subj", "/CN=127.0.0.1");
            Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
            run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                    "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "san.ext");
            String password = "changeit";
            run(dir, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt",
                    "-storetype", "PKCS12", "-keystore", "truststore.p12", "-storepass", password, "-alias", "redis-ca",
                    "-file", "ca.crt");
            return new TestCertificates(dir, dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"),
                    dir.resolve("truststore.p12"), password);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** redis-server arguments serving TLS on {@code port} with this certificate. */
    public List<String> redisTlsArguments(int port) {
        return List.of("--tls-port", Integer.toString(port), "--tls-cert-file", serverCertificate.toString(),
                "--tls-key-file", serverKey.toString(), "--tls-ca-cert-file", caCertificate.toString(),
                "--tls-auth-clients", "no");
    }

    private static void run(Path dir, String... command) {
        ExternalProcess.run(dir, Duration.ofSeconds(60), command);
    }
}
