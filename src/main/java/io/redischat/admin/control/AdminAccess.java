package io.redischat.admin.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

/** Whether the admin API is on ({@code chat.admin.token} set and not blank), and its token. */
@ApplicationScoped
public class AdminAccess {

    @Inject
    @ConfigProperties
    AdminSettings settings;

    private AdminToken token;

    @PostConstruct
    void start() {
        token = settings.token.filter(value -> !value.isBlank()).map(AdminToken::new).orElse(null);
    }

    /** The configured token, or null when the admin API is off. */
    public AdminToken token() {
        return token;
    }
}
