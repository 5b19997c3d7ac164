package io.bascule.surveillance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The values of the surveillance's e-mails: {@code surveillance-update} (every update interval: the figures now, the
 * checks, the open playbooks, the time since the switch) and {@code surveillance-h1} ("H+1 validation complete": each
 * checklist's result and who confirmed it when, the figures of the hour). The war room ({@code team},
 * {@code warRoomLink}) and the audit link are given by the caller, as the cutover's e-mails show them.
 */
public final class SurveillanceMails {

    public static final String UPDATE_TEMPLATE = "surveillance-update";
    public static final String H1_TEMPLATE = "surveillance-h1";

    /** The run an e-mail is about. {@code cutoverId} null: started by hand. */
    public record Run(String processInstanceId, String cutoverId, Instant startedAt, boolean dryRun, String auditLink,
                      String team, String warRoomLink) {
    }

    /** A playbook open now, or raised during the hour, with what raised it. */
    public record Playbook(String name, String trigger) {
    }

    /**
     * One checklist of the run: its label ("T+15"), whether the DBA confirmed it (null: not completed), who completed it
     * and when, and the note.
     */
    public record ChecklistResult(String label, Boolean confirmed, String by, Instant at, String note) {

        public String line() {
            String result = confirmed == null ? "not completed" : confirmed ? "✅ confirmed" : "❌ problem flagged";
            return label + ": " + result + (by == null ? "" : " by " + by) + (at == null ? "" : " at " + ChecklistValues.time(at))
                    + (note == null || note.isBlank() ? "" : " (note: " + note.replaceAll("\\s+", " ").strip() + ")");
        }
    }

    private SurveillanceMails() {
    }

    /** "T+32 min" since the switch (or "T+45 s" in the first minute). */
    public static String elapsed(Instant startedAt, Instant now) {
        Duration d = Duration.between(startedAt, now);
        if (d.isNegative()) {
            return "T-" + VariableText.duration(d.negated());
        }
        return d.toMinutes() == 0 ? "T+" + d.toSeconds() + " s" : "T+" + d.toMinutes() + " min";
    }

    /** The values of {@code surveillance-update}. */
    public static Map<String, Object> updateValues(Run run, Sample now, List<Playbook> open, Instant at) {
        Map<String, Object> v = common(run);
        v.put("elapsed", elapsed(run.startedAt(), at));
        v.put("measuredAt", ChecklistValues.time(now.at()));
        v.put("database", Objects.toString(now.database(), "the target database"));
        v.put("status", status(now));
        v.put("checks", String.join("\n", ChecklistValues.lines(now)));
        v.put("figures", String.join("\n", figures(now)));
        v.put("openPlaybooks", open.isEmpty() ? "none" : String.join("\n", open.stream()
                .map(p -> p.name() + (p.trigger() == null ? "" : ": " + p.trigger())).toList()));
        return v;
    }

    /** The values of {@code surveillance-h1}. */
    public static Map<String, Object> h1Values(Run run, List<ChecklistResult> checklists, Sample now, List<Sample> hour,
                                               List<Playbook> raised, Instant at) {
        Map<String, Object> v = common(run);
        v.put("elapsed", elapsed(run.startedAt(), at));
        v.put("endedAt", ChecklistValues.time(at));
        v.put("summary", summary(checklists, raised, now));
        v.put("checklists", checklists.isEmpty() ? "no checklist recorded"
                : String.join("\n", checklists.stream().map(ChecklistResult::line).toList()));
        v.put("hourFigures", String.join("\n", hourFigures(hour)));
        v.put("checks", now == null ? "not measured" : String.join("\n", ChecklistValues.lines(now)));
        v.put("figures", now == null ? "not measured" : String.join("\n", figures(now)));
        v.put("playbooks", raised.isEmpty() ? "none raised" : String.join("\n", raised.stream()
                .map(p -> p.name() + (p.trigger() == null ? "" : ": " + p.trigger())).toList()));
        return v;
    }

    /**
     * One line on the hour ({@code surveillanceSummary}, the message of "H+1 validation complete"): the checklists
     * confirmed and flagged, the playbooks raised, the checks now.
     */
    public static String summary(List<ChecklistResult> checklists, List<Playbook> raised, Sample now) {
        long confirmed = checklists.stream().filter(c -> Boolean.TRUE.equals(c.confirmed())).count();
        List<String> flagged = checklists.stream().filter(c -> Boolean.FALSE.equals(c.confirmed())).map(ChecklistResult::label).toList();
        return "H+1 validation complete: " + confirmed + " of " + checklists.size() + " checklists confirmed"
                + (flagged.isEmpty() ? " (none flagged)" : ", flagged: " + String.join(", ", flagged))
                + "; playbooks raised: " + (raised.isEmpty() ? "none" : raised.stream().map(Playbook::name).distinct()
                .collect(Collectors.joining(", ")))
                + "; PostgreSQL now: " + (now == null ? "not measured" : status(now));
    }

    /** "every check passed", or the checks that failed. */
    static String status(Sample s) {
        if (!s.reachable() || s.error() != null) {
            return "not measured (" + (s.reachable() ? "sampling failed" : "PostgreSQL unreachable") + ")";
        }
        List<String> failed = s.failedChecks().stream().map(Sample.Check::name).toList();
        return failed.isEmpty() ? "every check passed" : failed.size() + " check(s) failed: " + String.join(", ", failed);
    }

    /** The figures of a sample, one per line. */
    static List<String> figures(Sample s) {
        List<String> lines = new ArrayList<>();
        if (!s.reachable() || s.error() != null) {
            lines.add("PostgreSQL not measured: " + s.error());
            if (s.appHealth() != null) {
                lines.add("Application health: " + (s.appHealth().ok() ? "ok" : "failing") + " ("
                        + (s.appHealth().status() != null ? "HTTP " + s.appHealth().status() : s.appHealth().error()) + ")");
            }
            return lines;
        }
        lines.add("Connections: " + s.connections() + " of " + s.usableConnections() + " usable ("
                + SampleChecks.pct(s.connectionUsagePct()) + "), by state on " + s.database() + ": "
                + s.connectionsByState().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        lines.add("Mean query time: " + (s.avgQueryMs() == null ? (s.statementsAvailable() ? "no statement counted yet"
                : "not measured (pg_stat_statements unavailable)") : SampleChecks.ms(s.avgQueryMs()) + " over "
                + s.statementCalls() + " calls, max " + SampleChecks.ms(s.maxQueryMs())));
        if (s.statementsAvailable()) {
            lines.add("Slow statements: " + (s.slowQueryCount() == null ? 0 : s.slowQueryCount()));
        }
        lines.add("Worst dead tuples: " + (s.deadTuplePct() == null ? "-" : SampleChecks.pct(s.deadTuplePct())));
        lines.add("Deadlocks since the statistics reset: " + s.deadlocks());
        if (s.cacheHitPct() != null) {
            lines.add("Cache hit ratio: " + SampleChecks.pct(s.cacheHitPct()));
        }
        lines.add("Idle sessions over the bound: " + s.idleSessionCount() + "; long-running: " + s.longRunningCount()
                + "; idle in a transaction: " + s.idleInTransactionCount());
        if (s.appHealth() != null) {
            lines.add("Application health: " + (s.appHealth().ok() ? "ok" : "failing") + " ("
                    + (s.appHealth().status() != null ? "HTTP " + s.appHealth().status() : s.appHealth().error()) + ")");
        }
        return lines;
    }

    /** The hour in figures: samples, the worst of each figure, the samples where PostgreSQL did not answer. */
    static List<String> hourFigures(List<Sample> hour) {
        if (hour.isEmpty()) {
            return List.of("no sample kept for the hour");
        }
        List<Sample> measured = hour.stream().filter(s -> s.reachable() && s.error() == null).toList();
        List<String> lines = new ArrayList<>();
        lines.add(hour.size() + " samples from " + ChecklistValues.time(hour.get(0).at()) + " to "
                + ChecklistValues.time(hour.get(hour.size() - 1).at()) + (measured.size() == hour.size() ? ""
                : "; " + (hour.size() - measured.size()) + " without figures (PostgreSQL unreachable or sampling failed)"));
        max(measured, Sample::connectionUsagePct).ifPresent(x -> lines.add("Highest connection usage: " + SampleChecks.pct(x)));
        max(measured, Sample::avgQueryMs).ifPresent(x -> lines.add("Highest mean query time: " + SampleChecks.ms(x)));
        max(measured, s -> s.slowQueryCount() == null ? null : s.slowQueryCount().doubleValue())
                .ifPresent(x -> lines.add("Most slow statements at once: " + (long) x));
        max(measured, Sample::deadTuplePct).ifPresent(x -> lines.add("Worst dead tuples: " + SampleChecks.pct(x)));
        List<Long> deadlocks = measured.stream().map(Sample::deadlocks).filter(Objects::nonNull).toList();
        if (!deadlocks.isEmpty()) {
            lines.add("Deadlocks during the hour: " + Math.max(0, deadlocks.get(deadlocks.size() - 1) - deadlocks.get(0)));
        }
        long unhealthy = hour.stream().filter(s -> s.appHealth() != null && !s.appHealth().ok()).count();
        if (hour.stream().anyMatch(s -> s.appHealth() != null)) {
            lines.add("Failed health probes of the application: " + unhealthy);
        }
        return lines;
    }

    private static OptionalDouble max(List<Sample> samples, Function<Sample, Double> figure) {
        return samples.stream().map(figure).filter(Objects::nonNull).mapToDouble(Double::doubleValue).max();
    }

    private static Map<String, Object> common(Run run) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("processInstanceId", run.processInstanceId());
        v.put("cutover", run.cutoverId() == null ? "started by hand" : "after cutover " + run.cutoverId());
        v.put("startedAt", ChecklistValues.time(run.startedAt()));
        v.put("mode", run.dryRun() ? "a DRY RUN: no playbook action is applied" : "the real surveillance");
        v.put("auditLink", run.auditLink() == null ? "bascule audit " + run.processInstanceId() : run.auditLink());
        v.put("team", run.team());
        v.put("warRoomLink", run.warRoomLink());
        return v;
    }
}
