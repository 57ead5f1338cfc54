package io.redischat.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.redischat.redis.control.RedisUrl;
import io.redischat.sessions.control.InboundFrames;
import io.redischat.sessions.entity.InboundMessage;

/**
 * Coverage-guided fuzzing (Jazzer) of the two parsers that read untrusted text: client frames and CHANNEL_REDIS_URL.
 * A frame is a message or a {@link InboundFrames.Rejected} with a code, never another exception, and an accepted
 * message is text that encodes as UTF-8; a URL parses or fails with IllegalArgumentException that never repeats a
 * password.
 */
class ParserFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void parsersAcceptOrRejectCleanly(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            frame(data.consumeRemainingAsString());
        } else {
            url(data.consumeString(40), data.consumeRemainingAsString());
        }
    }

    static void frame(String text) {
        try {
            InboundMessage message = InboundFrames.parse(text);
            assertNotNull(message.content());
            assertFalse(message.content().isEmpty());
            for (int i = 0; i < message.content().length(); i++) {
                char c = message.content().charAt(i);
                if (Character.isHighSurrogate(c)) {
                    assertTrue(i + 1 < message.content().length()
                            && Character.isLowSurrogate(message.content().charAt(++i)), "paired surrogates only");
                } else {
                    assertFalse(Character.isLowSurrogate(c), "no lone low surrogate");
                }
            }
        } catch (InboundFrames.Rejected rejected) {
            assertNotNull(rejected.code());
            assertNotNull(rejected.getMessage());
        }
    }

    static void url(String password, String rest) {
        String secret = "pw" + password.replaceAll("[@/:]", "") + "Z9";
        if (rest.contains(secret)) {
            return; // the "password" also stands elsewhere in the text: nothing to tell apart
        }
        String text = "redis://user:" + secret + "@" + rest;
        try {
            RedisUrl url = RedisUrl.parse(text);
            assertFalse(url.toString().contains(secret), "the password is masked");
        } catch (IllegalArgumentException refused) {
            assertFalse(refused.getMessage().contains(secret), "the password is not repeated: " + refused.getMessage());
        }
    }
}
