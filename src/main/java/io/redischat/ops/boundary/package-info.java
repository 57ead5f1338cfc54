/**
 * MicroProfile Health checks: liveness and Redis readiness.
 */
package io.redischat.ops.boundary;
