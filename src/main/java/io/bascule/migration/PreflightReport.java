package io.bascule.migration;

import java.util.List;

/**
 * What the pre-flight found before anything is written: blocking problems (each naming the fix) and notes.
 */
public record PreflightReport(String sourceVersion, String targetVersion, List<String> problems, List<String> notes) {

    public boolean ok() {
        return problems.isEmpty();
    }

    public String render() {
        StringBuilder sb = new StringBuilder("Pre-flight: source ").append(sourceVersion).append(", target PostgreSQL ")
                .append(targetVersion).append('\n');
        problems.forEach(p -> sb.append("  PROBLEM ").append(p).append('\n'));
        notes.forEach(n -> sb.append("  note    ").append(n).append('\n'));
        return sb.toString();
    }
}
