/**
 * The decisions behind the browser-facing protections, free of servlet types: which origins and hosts may open a
 * WebSocket.
 */
package io.redischat.security.control;
