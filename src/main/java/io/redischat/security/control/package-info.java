/**
 * The decisions behind the protections, free of servlet types: which origins and hosts may open a WebSocket, who
 * the client is (its address, through trusted proxies only), how fast it may open sockets, and whether a bearer
 * token is genuine and what it allows.
 */
package io.redischat.security.control;
