package io.bascule.surveillance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.bascule.surveillance.EmergencyVariables.*;

/**
 * The "connections exhausted" diagnosis: the idle sessions over the bound, and how many connections are in use.
 *
 * @param serverSessions   client sessions on the whole server (what max_connections limits)
 * @param databaseSessions of them, on the target database
 * @param usagePct         serverSessions over maxConnections, in %
 * @param olderThan        the bound (bascule.surveillance.idle-session-age)
 * @param lines            the console view: ✅/⚠️/❌/➖ lines
 */
public record IdleSessions(List<IdleSession> sessions, int serverSessions, int databaseSessions, int maxConnections,
                           double usagePct, Duration olderThan, List<String> lines) {

    public IdleSessions {
        sessions = List.copyOf(sessions);
        lines = List.copyOf(lines);
    }

    public List<Integer> pids() {
        return sessions.stream().map(IdleSession::pid).toList();
    }

    /** The process variables ({@link EmergencyVariables}, {@code idle*}). */
    public Map<String, Object> variables() {
        Map<String, Object> v = VariableText.map();
        v.put(IDLE_SESSION_COUNT, sessions.size());
        v.put(IDLE_SESSION_PIDS, VariableText.jsonList(pids()));
        v.put(IDLE_SESSIONS_JSON, VariableText.jsonList(sessions.stream().map(s -> {
            Map<String, Object> m = VariableText.map();
            VariableText.put(m, "pid", s.pid());
            VariableText.put(m, "user", s.user());
            VariableText.put(m, "applicationName", s.applicationName());
            VariableText.put(m, "clientAddr", s.clientAddr());
            VariableText.put(m, "state", s.state());
            VariableText.put(m, "since", s.since() == null ? null : s.since().toString());
            VariableText.put(m, "ageSeconds", s.ageSeconds());
            VariableText.put(m, "lastQuery", s.lastQuery());
            return m;
        }).toList()));
        v.put(IDLE_SESSION_AGE_SECONDS, olderThan.toSeconds());
        v.put(IDLE_CONNECTIONS_IN_USE, serverSessions);
        v.put(IDLE_CONNECTIONS_OF_DATABASE, databaseSessions);
        v.put(IDLE_MAX_CONNECTIONS, maxConnections);
        v.put(IDLE_CONNECTION_USAGE_PCT, VariableText.round1(usagePct));
        v.put(IDLE_SESSIONS_REPORT, VariableText.lines(lines));
        return v;
    }
}
