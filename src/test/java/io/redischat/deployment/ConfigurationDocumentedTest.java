package io.redischat.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.redischat.admin.control.AdminSettings;
import io.redischat.redis.control.RedisConnection;
import io.redischat.redis.control.RedisSettings;
import io.redischat.redis.control.StoreSettings;
import io.redischat.security.boundary.WebSocketOriginFilter;
import io.redischat.security.control.AuthSettings;
import io.redischat.security.control.JwtSettings;
import io.redischat.security.control.NetworkSettings;
import io.redischat.sessions.control.ChatLimits;

/** The README's configuration table says what the code declares: every setting, its variable and its default. */
class ConfigurationDocumentedTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([a-z.-]+)` \\| `([A-Z_]+)` \\| ([^|]+) \\|",
            Pattern.MULTILINE);

    @Test
    void theReadmeTableListsEverySettingWithItsDeclaredDefault() throws IOException {
        Map<String, String> declared = new TreeMap<>();
        for (Class<?> settings : new Class<?>[] {RedisSettings.class, StoreSettings.class, ChatLimits.class,
                NetworkSettings.class, AuthSettings.class, JwtSettings.class, AdminSettings.class}) {
            String prefix = settings.getAnnotation(ConfigProperties.class).prefix();
            for (Field field : settings.getDeclaredFields()) {
                ConfigProperty property = field.getAnnotation(ConfigProperty.class);
                if (property != null) {
                    declared.put(prefix + "." + property.name(), property.defaultValue());
                }
            }
        }
        for (Class<?> reader : new Class<?>[] {RedisConnection.class, WebSocketOriginFilter.class}) {
            for (Field field : reader.getDeclaredFields()) {
                ConfigProperty property = field.getAnnotation(ConfigProperty.class);
                if (property != null) {
                    declared.put(property.name(), property.defaultValue());
                }
            }
        }

        Map<String, String> documented = new TreeMap<>();
        Matcher row = ROW.matcher(Files.readString(Path.of("README.md")));
        while (row.find()) {
            String property = row.group(1);
            assertEquals(property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), row.group(2),
                    "the environment variable of " + property);
            String value = row.group(3).trim();
            documented.put(property, value.startsWith("`") ? value.substring(1, value.length() - 1)
                    : ConfigProperty.UNCONFIGURED_VALUE);
        }
        assertEquals(declared, documented);
    }
}
