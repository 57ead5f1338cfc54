package io.redischat.sessions.entity;

/**
 * Who is on a socket: its address (through trusted proxies), its author key when it proved one (see
 * {@code Authors}; null = the socket alone), and the subject of its verified token (null without access control).
 */
public record ClientIdentity(String address, String author, String subject) {
}
