package io.bascule.report;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A run's report as the audit page serves it: found through the run's variable that names its file (a name ending in
 * {@code ReportFile}), the HTML next to the Markdown when it exists. A path outside the work directory, a variable
 * the run does not have or a file gone is answered with a clear message, never with another file.
 */
record ReportFile(HttpStatus status, MediaType type, byte[] body) {

    /** The variables that name a report file. */
    static final Pattern VARIABLE = Pattern.compile("[A-Za-z][A-Za-z0-9]*ReportFile");

    static ReportFile of(AuditTrail trail, String instanceId, String variable, Path workDir) throws IOException {
        if (!VARIABLE.matcher(variable).matches()) {
            return problem(HttpStatus.BAD_REQUEST, "'" + variable + "' does not name a report file: a variable ending in"
                    + " ReportFile, such as cutoverReportFile");
        }
        if (!trail.exists(instanceId)) {
            return problem(HttpStatus.NOT_FOUND, "no process instance '" + instanceId + "' in the history");
        }
        // the variables only (not the whole audit: steps, tasks, model), as the audit shows them
        Map<String, Object> variables = trail.variables(instanceId);
        Object value = variables.get(variable);
        if (value == null) {
            return problem(HttpStatus.NOT_FOUND, "run " + instanceId + " has no " + variable + ": it wrote no such report");
        }
        Path dir = workDir.toAbsolutePath().normalize();
        Path markdown = Path.of(value.toString()).toAbsolutePath().normalize();
        if (!markdown.startsWith(dir)) {
            return problem(HttpStatus.FORBIDDEN, "the report of " + variable + " is not in the work directory " + dir
                    + ": open it on the server");
        }
        Path html = markdown.resolveSibling(markdown.getFileName().toString().replaceFirst("\\.md$", "") + ".html");
        if (Files.isRegularFile(html)) {
            return new ReportFile(HttpStatus.OK, MediaType.TEXT_HTML, Files.readAllBytes(html));
        }
        if (Files.isRegularFile(markdown)) {
            return new ReportFile(HttpStatus.OK, new MediaType("text", "markdown", StandardCharsets.UTF_8), Files.readAllBytes(markdown));
        }
        return problem(HttpStatus.GONE, "the report " + markdown.getFileName() + " is no longer in " + dir);
    }

    private static ReportFile problem(HttpStatus status, String message) {
        return new ReportFile(status, MediaType.APPLICATION_JSON,
                AuditDocuments.json(Map.of("message", message)).getBytes(StandardCharsets.UTF_8));
    }
}
