/**
 * The logic of chat sessions: the Redis message store, live fan-out per session (feeds), connections, frame parsing.
 */
package io.redischat.sessions.control;
