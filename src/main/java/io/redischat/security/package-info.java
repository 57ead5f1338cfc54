/**
 * Protections and access control: the WebSocket Origin check against cross-site WebSocket hijacking, strict
 * security headers, per-address limits, and the optional JWT access control ({@code chat.auth.mode=jwt}).
 */
package io.redischat.security;
