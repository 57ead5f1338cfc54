/**
 * The Redis status record.
 */
package io.redischat.redis.entity;
