/**
 * The connection to Redis: built from MicroProfile Config, shared by every component, and its status.
 */
package io.redischat.redis;
