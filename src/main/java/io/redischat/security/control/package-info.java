/**
 * The decisions behind the protections, free of servlet types: which origins and hosts may open a WebSocket, who
 * the client is (its address, through trusted proxies only) and how fast it may open sockets.
 */
package io.redischat.security.control;
