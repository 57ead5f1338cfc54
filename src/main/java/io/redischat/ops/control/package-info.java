/**
 * The service's MicroProfile Metrics, and client text made safe for log lines.
 */
package io.redischat.ops.control;
