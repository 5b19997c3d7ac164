package io.bascule.platinum;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The PLATINUM report's measurements and verdict: the six criteria in {@link Criterion#NAMES}' order, the score and
 * the verdict, when the next report falls due when refused.
 *
 * <p><b>Score</b>: each criterion counts one sixth; the score is the percentage of criteria passed, rounded to the
 * nearest integer (half up): 0, 17, 33, 50, 67, 83, 100. <b>Verdict</b>: {@link Verdict#GRANTED} only at 6 of 6
 * (score 100), else {@link Verdict#REFUSED}.
 *
 * @param at           when the criteria were measured
 * @param target       the PostgreSQL database, its URL redacted
 * @param schema       the schema of the migrated tables
 * @param cutover      the cutover judged, or null when no history was found
 * @param nextReportAt on REFUSED, when the report is made again ({@code at} + {@code bascule.platinum.retry-after});
 *                     null when granted
 * @param notes        what the reader should know about how it was measured (no certificate, no history...)
 */
public record PlatinumAssessment(Instant at, String target, String schema, CutoverHistory cutover,
                                 List<Criterion> criteria, int score, Verdict verdict, Instant nextReportAt,
                                 List<String> notes) {

    /** GRANTED only when every criterion passed. */
    public enum Verdict { GRANTED, REFUSED }

    public PlatinumAssessment {
        criteria = List.copyOf(criteria);
        notes = notes == null ? List.of() : List.copyOf(notes);
        List<String> names = criteria.stream().map(Criterion::name).toList();
        if (!names.equals(Criterion.NAMES)) {
            throw new IllegalArgumentException("a PLATINUM assessment holds the six criteria " + Criterion.NAMES
                    + " in this order, not " + names);
        }
    }

    /** The assessment of measured criteria: score, verdict and next report date computed. */
    public static PlatinumAssessment of(Instant at, String target, String schema, CutoverHistory cutover,
                                        List<Criterion> criteria, Duration retryAfter, List<String> notes) {
        int score = score(criteria);
        Verdict verdict = verdict(criteria);
        return new PlatinumAssessment(at, target, schema, cutover, criteria, score, verdict,
                verdict == Verdict.GRANTED ? null : at.plus(retryAfter), notes);
    }

    /** The percentage of the six criteria passed, rounded half up: 0, 17, 33, 50, 67, 83, 100. */
    public static int score(List<Criterion> criteria) {
        long passed = criteria.stream().filter(Criterion::passed).count();
        return (int) Math.round(passed * 100.0 / Criterion.NAMES.size());
    }

    public static Verdict verdict(List<Criterion> criteria) {
        return criteria.size() == Criterion.NAMES.size() && criteria.stream().allMatch(Criterion::passed)
                ? Verdict.GRANTED : Verdict.REFUSED;
    }

    public boolean granted() {
        return verdict == Verdict.GRANTED;
    }

    public long passedCount() {
        return criteria.stream().filter(Criterion::passed).count();
    }

    /** The criterion of that name ({@link Criterion#NAMES}). */
    public Criterion criterion(String name) {
        return criteria.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no criterion " + name + "; the criteria are " + Criterion.NAMES));
    }

    /** The same assessment with one more note (what the caller knows of how it was made). */
    public PlatinumAssessment withNote(String note) {
        List<String> more = new java.util.ArrayList<>(notes);
        more.add(note);
        return new PlatinumAssessment(at, target, schema, cutover, criteria, score, verdict, nextReportAt, more);
    }

    /** The failed criteria, in order. */
    public List<Criterion> failed() {
        return criteria.stream().filter(c -> !c.passed()).toList();
    }
}
