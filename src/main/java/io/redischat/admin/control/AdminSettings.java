package io.redischat.admin.control;

import java.util.Optional;

import jakarta.enterprise.context.Dependent;

import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The admin API ({@code chat.admin.*}): off (404) unless a token is set. */
@ConfigProperties(prefix = "chat.admin")
@Dependent
public class AdminSettings {

    /** The bearer token of the admin API; unset, the API answers 404. */
    @ConfigProperty(name = "token")
    public Optional<String> token = Optional.empty();
}
