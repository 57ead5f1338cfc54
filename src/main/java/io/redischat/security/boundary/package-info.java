/**
 * Servlet filters: the WebSocket Origin check and the security headers.
 */
package io.redischat.security.boundary;
