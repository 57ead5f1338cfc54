/**
 * What clients touch: the WebSocket endpoint {@code /ws/{session_id}} and the history resource {@code /api/sessions/{session_id}/messages/}.
 */
package io.redischat.sessions.boundary;
