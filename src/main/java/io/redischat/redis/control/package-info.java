/**
 * The Redis connection from MicroProfile Config, its pub/sub subscriber, status probe and Lua scripts.
 */
package io.redischat.redis.control;
