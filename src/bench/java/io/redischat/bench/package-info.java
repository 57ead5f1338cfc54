/**
 * The benchmark instrument of redis-chat (README "Benchmarks"): starts a redis-server and the built WAR on Payara Micro
 * on free loopback ports (or targets {@code -Dbench.url}), drives them over WebSocket and REST, and writes JSON, a
 * Markdown table and PNG charts to {@code target/bench/}. Test sources only: nothing of it is in the WAR.
 */
package io.redischat.bench;
