package io.redischat.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.util.Map;
import java.util.Properties;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR the build produced, deployed as it is, or with some of its configuration defaults changed. */
public final class Deployments {

    private static final String CONFIG = "WEB-INF/classes/META-INF/microprofile-config.properties";

    private Deployments() {
    }

    public static WebArchive chatWar() {
        File war = new File(System.getProperty("chat.war", "target/chat.war"));
        if (!war.isFile()) {
            throw new IllegalStateException(war + " is missing: integration tests run after `mvn package`");
        }
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }

    /** The WAR with some defaults replaced, for settings a test needs short (a TTL of seconds, say). */
    public static WebArchive chatWarWith(Map<String, String> overrides) {
        WebArchive archive = chatWar();
        var properties = new Properties();
        try (InputStream in = archive.get(CONFIG).getAsset().openStream()) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        properties.putAll(overrides);
        var text = new StringWriter();
        try {
            properties.store(text, "test overrides");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        archive.delete(CONFIG);
        archive.add(new StringAsset(text.toString()), CONFIG);
        return archive;
    }
}
