/**
 * Who is on the other end and how much they may ask: the client's address (through trusted proxies only) and the
 * handshake rate per address.
 */
package io.redischat.security.control;
