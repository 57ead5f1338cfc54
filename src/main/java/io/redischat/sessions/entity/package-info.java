/**
 * Records of chat data and of the JSON the service sends: messages, frames, history envelopes.
 */
package io.redischat.sessions.entity;
