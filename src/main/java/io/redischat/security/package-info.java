/**
 * Browser-facing protections: the WebSocket Origin check against cross-site WebSocket hijacking, and strict
 * security headers (Content-Security-Policy) on the UI.
 */
package io.redischat.security;
