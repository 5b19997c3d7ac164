package io.bascule.surveillance;

/** An approved session that was not ended, and why (became active, gone, not allowed ...). */
public record SkippedSession(int pid, String reason) {
}
