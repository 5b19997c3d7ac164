package io.bascule.surveillance;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.bascule.surveillance.EmergencyVariables.*;

/**
 * What ending the approved idle sessions did: which were ended, which were skipped and why.
 *
 * @param approved   the pids the decider approved
 * @param ended      the pids ended (gone when the statement returned)
 * @param skipped    the others, each with its reason
 * @param recordedIn the actions file it was recorded in, or null when it could not be written (a line says why)
 */
public record EndedSessions(List<Integer> approved, List<Integer> ended, List<SkippedSession> skipped, String decidedBy,
                            Instant at, String recordedIn, List<String> lines) {

    public EndedSessions {
        approved = List.copyOf(approved);
        ended = List.copyOf(ended);
        skipped = List.copyOf(skipped);
        lines = List.copyOf(lines);
    }

    /** The process variables ({@link EmergencyVariables}, {@code endedSession*}, {@code skippedSession*}, {@code endSessions*}). */
    public Map<String, Object> variables() {
        Map<String, Object> v = VariableText.map();
        v.put(ENDED_SESSION_PIDS, VariableText.jsonList(ended));
        v.put(ENDED_SESSION_COUNT, ended.size());
        v.put(SKIPPED_SESSIONS_JSON, VariableText.jsonList(skipped.stream()
                .map(s -> Map.<String, Object>of("pid", s.pid(), "reason", s.reason())).toList()));
        v.put(SKIPPED_SESSION_COUNT, skipped.size());
        v.put(END_SESSIONS_DECIDED_BY, decidedBy);
        v.put(END_SESSIONS_AT, at.toString());
        v.put(END_SESSIONS_REPORT, VariableText.lines(lines));
        return v;
    }
}
