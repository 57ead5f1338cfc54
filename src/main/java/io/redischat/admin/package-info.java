/**
 * The admin API under {@code /api/admin}: sessions listed, inspected, deleted and their TTL changed, and histories
 * exported and imported as NDJSON; closed unless {@code chat.admin.token} is set.
 */
package io.redischat.admin;
