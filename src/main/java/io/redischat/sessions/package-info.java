/**
 * Chat sessions: the WebSocket endpoint, the history REST resource, and the Redis message store behind both.
 */
package io.redischat.sessions;
