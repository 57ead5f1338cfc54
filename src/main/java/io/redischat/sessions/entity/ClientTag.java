package io.redischat.sessions.entity;

/**
 * The id a client gave one of its messages ({@code clientId}) and the author it belongs to: the key of the client's
 * identity (see {@code Authors}). Idempotency is scoped to the author, and the clientId goes back only to sockets of
 * that author, so no other client learns it or can claim it.
 */
public record ClientTag(String clientId, String author) {

    public boolean belongsTo(String otherAuthor) {
        return author != null && author.equals(otherAuthor);
    }
}
