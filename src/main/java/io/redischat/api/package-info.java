/**
 * The JAX-RS application under {@code /api} and its one JSON error shape.
 */
package io.redischat.api;
