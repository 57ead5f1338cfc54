package io.redischat.admin.entity;

import jakarta.json.bind.annotation.JsonbProperty;

/** The body of {@code PUT .../ttl}: {@code {"ttl_seconds":N}}, 1 to {@link #MAX_SECONDS}. */
public record TtlChange(@JsonbProperty("ttl_seconds") Long ttlSeconds) {

    /** A year: longer is not a chat history any more. */
    public static final long MAX_SECONDS = 31_536_000;
}
