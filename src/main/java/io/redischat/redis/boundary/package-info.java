/**
 * The Redis status resource {@code /api/redis/status/}.
 */
package io.redischat.redis.boundary;
