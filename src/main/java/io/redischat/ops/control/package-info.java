/**
 * The service's MicroProfile Metrics.
 */
package io.redischat.ops.control;
