package io.redischat.admin.entity;

import java.util.List;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * What an import did: sessions {@code restored} (something was written), {@code unchanged} (Redis held all of it
 * already), {@code skipped} (Redis holds a newer history: left alone), {@code messages_imported} entries written,
 * {@code lines} read. On a malformed line {@code success} is false, {@code error} says why and {@code line} which;
 * what came before it was kept and is counted here.
 */
@JsonbPropertyOrder({"success", "error", "line", "lines", "messages_imported", "restored", "unchanged", "skipped"})
public record ImportReport(boolean success, String error, Long line, long lines,
                           @JsonbProperty("messages_imported") long messagesImported,
                           List<String> restored, List<String> unchanged, List<SkippedSession> skipped) {
}
