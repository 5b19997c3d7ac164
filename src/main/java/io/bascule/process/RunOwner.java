package io.bascule.process;

import io.bascule.config.BasculeProperties;
import io.bascule.config.ConfigException;
import io.bascule.config.Secrets;
import io.bascule.database.JdbcUrls;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The node that owns a runbook run, as the run records it in its process variables: the host, the process id and
 * the JVM's start (so that a reused process id is not taken for the owner), the command ({@code serve},
 * {@code migrate}...), and the settings its steps use: a readable summary without secrets (URLs redacted, passwords
 * only as given / not given) and a fingerprint of the full values. A step runs only on a node whose fingerprint is the
 * run's ({@link RunOwnership}).
 *
 * @param started     when the owner's JVM started (null when the system does not tell)
 * @param fingerprint hash of every setting a step uses, full values included
 * @param settings    one {@code name: value} line per setting, non-secret
 */
public record RunOwner(String host, long pid, Instant started, String command, String fingerprint, String settings) {

    /** This JVM as the owner of runs started by {@code command} with these settings. */
    public static RunOwner thisProcess(String command, BasculeProperties properties, Secrets secrets) {
        String host = hostName();
        Map<String, String[]> lines = settingLines(host, properties, secrets);
        ProcessHandle self = ProcessHandle.current();
        return new RunOwner(host, self.pid(), self.info().startInstant().orElse(null), command,
                fingerprint(lines), summary(lines));
    }

    /** The owner a run recorded, or null when it recorded none (started before owners were recorded). */
    public static RunOwner fromVariables(Function<String, Object> variables) {
        Object host = variables.apply(ProcessVariables.OWNER_HOST);
        if (host == null) {
            return null;
        }
        Object pid = variables.apply(ProcessVariables.OWNER_PID);
        Object started = variables.apply(ProcessVariables.OWNER_STARTED);
        Instant start = null;
        if (started != null && !started.toString().isBlank()) {
            try {
                start = Instant.parse(started.toString());
            } catch (DateTimeParseException e) {
                start = null;
            }
        }
        return new RunOwner(host.toString(), pid instanceof Number n ? n.longValue() : parsePid(pid), start,
                String.valueOf(variables.apply(ProcessVariables.OWNER_COMMAND)),
                String.valueOf(variables.apply(ProcessVariables.SETTINGS_FINGERPRINT)),
                String.valueOf(variables.apply(ProcessVariables.SETTINGS_SUMMARY)));
    }

    private static long parsePid(Object pid) {
        try {
            return pid == null ? -1 : Long.parseLong(pid.toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The process variables that record this owner. */
    public Map<String, Object> variables() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put(ProcessVariables.OWNER_HOST, host);
        v.put(ProcessVariables.OWNER_PID, pid);
        v.put(ProcessVariables.OWNER_STARTED, started == null ? "" : started.toString());
        v.put(ProcessVariables.OWNER_COMMAND, command);
        v.put(ProcessVariables.SETTINGS_FINGERPRINT, fingerprint);
        v.put(ProcessVariables.SETTINGS_SUMMARY, settings);
        return v;
    }

    /** "migrate (pid 4242 on host db-admin-1, started 2026-12-01T13:05:02Z)". */
    public String describe() {
        return command + " (pid " + pid + " on host " + host + (started == null ? "" : ", started " + started) + ")";
    }

    /** Whether this is the same process as {@code other} (host, pid and JVM start). */
    public boolean sameProcess(RunOwner other) {
        return other != null && host.equals(other.host) && pid == other.pid && Objects.equals(started, other.started);
    }

    /**
     * The settings that differ, as "target schema: 'b' here, 'a' in the run" (values as the summaries show them,
     * non-secret); a single generic line when only a part that the summaries do not show differs.
     */
    public List<String> differencesFrom(RunOwner run) {
        Map<String, String> mine = parse(settings);
        Map<String, String> theirs = parse(run.settings);
        List<String> out = new ArrayList<>();
        for (String name : orderedNames(mine, theirs)) {
            String a = mine.get(name);
            String b = theirs.get(name);
            if (!Objects.equals(a, b)) {
                out.add(name + ": '" + (a == null ? "" : a) + "' here, '" + (b == null ? "" : b) + "' in the run");
            }
        }
        if (out.isEmpty() && !fingerprint.equals(run.fingerprint)) {
            out.add("a part not shown in the summaries (a password parameter of a URL, the restart command or a business"
                    + " check)");
        }
        return out;
    }

    private static List<String> orderedNames(Map<String, String> a, Map<String, String> b) {
        List<String> names = new ArrayList<>(a.keySet());
        b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(names::add);
        return names;
    }

    private static Map<String, String> parse(String summary) {
        Map<String, String> m = new LinkedHashMap<>();
        if (summary == null) {
            return m;
        }
        for (String line : summary.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                m.put(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        return m;
    }

    /**
     * Every setting a runbook step uses, as name → {shown value, full value}: the host (files in the work
     * directory are local to it), the work directory, both connections, the application switched at cutover, the
     * migration options that change what is written, the business checks. Tuning that does not change the result
     * (parallelism, progress interval) is left out.
     */
    static Map<String, String[]> settingLines(String host, BasculeProperties p, Secrets secrets) {
        Map<String, String[]> l = new LinkedHashMap<>();
        put(l, "host", host);
        put(l, "work dir", absolute(p.workDir()));
        connection(l, "source", p.source(), "BASCULE_SOURCE_PASSWORD", secrets);
        connection(l, "target", p.target(), "BASCULE_TARGET_PASSWORD", secrets);
        String schema = p.target() == null || p.target().schema() == null ? "public" : p.target().schema();
        put(l, "target schema", schema);
        BasculeProperties.App app = p.app();
        if (app != null) {
            put(l, "app env file", absolute(app.envFile()));
            put(l, "app env key", app.envKey());
            l.put("app target url", new String[]{JdbcUrls.redact(app.targetUrl()), app.targetUrl()});
            l.put("app health url", new String[]{JdbcUrls.redact(app.healthUrl()), app.healthUrl()});
            l.put("app restart command", new String[]{app.restartCommand() == null ? "not set" : "set",
                    app.restartCommand()});
        }
        BasculeProperties.Migration m = p.migration();
        if (m != null) {
            put(l, "lower-case names", String.valueOf(m.lowerCaseNames()));
            put(l, "boolean columns", String.valueOf(m.booleanColumns()));
            put(l, "type overrides", String.valueOf(new TreeMap<>(m.typeOverrides())));
            put(l, "chunk rows", String.valueOf(m.chunkRows()));
        }
        List<BasculeProperties.BusinessCheck> checks = p.businessChecks() == null ? List.of() : p.businessChecks();
        l.put("business checks", new String[]{String.valueOf(checks.size()), String.valueOf(checks)});
        return l;
    }

    private static void connection(Map<String, String[]> l, String side, BasculeProperties.Connection c,
                                   String defaultEnv, Secrets secrets) {
        String url = c == null ? null : c.url();
        l.put(side + " url", new String[]{JdbcUrls.redact(url), url});
        put(l, side + " user", c == null ? null : c.user());
        String password;
        try {
            password = c == null ? null : secrets.optional(c.passwordEnv() != null ? c.passwordEnv() : defaultEnv,
                    c.passwordFile(), side + " database");
            password = password == null ? "not given" : "given";
        } catch (ConfigException e) {
            password = "unreadable";
        }
        put(l, side + " password", password);
    }

    private static void put(Map<String, String[]> l, String name, String value) {
        l.put(name, new String[]{value, value});
    }

    private static String absolute(Path p) {
        return p == null ? null : p.toAbsolutePath().normalize().toString();
    }

    static String summary(Map<String, String[]> lines) {
        StringBuilder sb = new StringBuilder();
        lines.forEach((name, v) -> sb.append(name).append(": ").append(v[0] == null ? "" : v[0]).append('\n'));
        return sb.toString().stripTrailing();
    }

    static String fingerprint(Map<String, String[]> lines) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            lines.forEach((name, v) -> sha.update((name + "\u0000" + (v[1] == null ? "\u0001" : v[1]) + "\u0000")
                    .getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The host name without a DNS lookup where the system tells it directly (a lookup can hang for seconds). */
    public static String hostName() {
        try {
            Path proc = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(proc)) {
                String name = Files.readString(proc).strip();
                if (!name.isEmpty()) {
                    return name;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // fall through
        }
        String env = System.getenv("COMPUTERNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
