package io.redischat.testsupport;

import java.lang.reflect.Field;
import java.util.Optional;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A typed settings class ({@code @ConfigProperties}) filled with the defaults its annotations declare, for unit
 * tests that build components outside CDI: the defaults stay in one place.
 */
public final class ConfigDefaults {

    private ConfigDefaults() {
    }

    public static <T> T of(Class<T> settings) {
        try {
            T instance = settings.getDeclaredConstructor().newInstance();
            for (Field field : settings.getDeclaredFields()) {
                ConfigProperty property = field.getAnnotation(ConfigProperty.class);
                if (property == null) {
                    continue;
                }
                String value = property.defaultValue();
                boolean none = ConfigProperty.UNCONFIGURED_VALUE.equals(value);
                Class<?> type = field.getType();
                Object converted;
                if (type == Optional.class) {
                    converted = none ? Optional.empty() : Optional.of(value);
                } else if (none) {
                    continue;
                } else if (type == int.class) {
                    converted = Integer.parseInt(value);
                } else if (type == long.class) {
                    converted = Long.parseLong(value);
                } else if (type == double.class) {
                    converted = Double.parseDouble(value);
                } else if (type == boolean.class) {
                    converted = Boolean.parseBoolean(value);
                } else {
                    converted = value;
                }
                field.setAccessible(true);
                field.set(instance, converted);
            }
            return instance;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot fill " + settings, e);
        }
    }
}
