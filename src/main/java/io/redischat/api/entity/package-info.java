/**
 * The REST API's error record.
 */
package io.redischat.api.entity;
