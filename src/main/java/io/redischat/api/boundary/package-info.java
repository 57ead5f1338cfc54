/**
 * The JAX-RS application under {@code /api} and the mapping of every failure to the one error shape.
 */
package io.redischat.api.boundary;
