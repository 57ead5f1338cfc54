/**
 * What operators watch: MicroProfile Health checks (readiness proves Redis answers and pub/sub delivers) and
 * MicroProfile Metrics of connections, messages, Redis latency and errors.
 */
package io.redischat.ops;
