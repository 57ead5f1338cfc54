/**
 * Servlet and JAX-RS filters: the WebSocket Origin check, the client address and handshake rate, the security
 * headers, and the bearer token of REST requests and WebSocket handshakes in JWT mode.
 */
package io.redischat.security.boundary;
