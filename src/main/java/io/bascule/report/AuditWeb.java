package io.bascule.report;

import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The audit page of the web app ({@code /audit/}): the runs in the engine's history, finished and running, newest
 * first, and for each its timeline above the BPMN diagram with the path taken. Camunda 7 Community Cockpit shows
 * running instances only; this page reads the history service, like the {@code audit} command, and serves the same
 * JSON the command prints.
 *
 * <p>Every request under {@code /audit} needs a login: HTTP Basic against the engine's users, checked by Camunda's
 * {@link ProcessEngineAuthenticationFilter} as for the REST API, which makes the user the engine's authenticated
 * user for the request, so that Camunda authorization (when on) decides what the history queries return.
 */
@Configuration
@ConditionalOnWebApplication
public class AuditWeb {

    static final String BASE = "/audit";

    @Bean
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> auditAuthenticationFilter() {
        return io.bascule.web.BasicLogin.filter("bascule-audit-basic-auth", true, BASE, BASE + "/*");
    }

    @Bean
    AuditTrail auditTrail(HistoryService history, RepositoryService repository, TaskService tasks) {
        return new AuditTrail(history, repository, tasks);
    }

    // a nested component is found by the component scan on its own: it needs the condition of its own too (a CLI
    // context created eagerly, as the warm-up does, failed on it without one)
    @RestController
    @ConditionalOnWebApplication
    static class AuditController {

        private final AuditTrail trail;
        private final RepositoryService repository;
        private final IdentityService identity;
        private final Reports reports;

        AuditController(AuditTrail trail, RepositoryService repository, IdentityService identity, Reports reports) {
            this.trail = trail;
            this.repository = repository;
            this.identity = identity;
            this.reports = reports;
        }

        /**
         * A report the run wrote (cutover, incident, verification, PLATINUM), named by the run's variable that holds its
         * file ({@code ...ReportFile}): its HTML form when there is one, else the Markdown as text. Only files in the
         * work directory are served; the variable must belong to the run.
         */
        @GetMapping(BASE + "/api/runs/{id}/reports/{variable}")
        ResponseEntity<byte[]> report(@PathVariable("id") String id, @PathVariable("variable") String variable)
                throws IOException {
            requireLogin();
            ReportFile file = ReportFile.of(trail, id, variable, reports.reportsDir().getParent());
            return ResponseEntity.status(file.status()).contentType(file.type()).body(file.body());
        }

        @GetMapping({BASE, BASE + "/"})
        ResponseEntity<Void> index() {
            return ResponseEntity.status(HttpStatus.FOUND).location(URI.create(BASE + "/index.html")).build();
        }

        @GetMapping(value = BASE + "/api/runs", produces = MediaType.APPLICATION_JSON_VALUE)
        ResponseEntity<String> runs() {
            requireLogin();
            return json(Map.of("runs", trail.runs(500)));
        }

        /** The audit of one run: the very JSON {@code bascule audit --json} prints. */
        @GetMapping(value = BASE + "/api/runs/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
        ResponseEntity<String> run(@PathVariable("id") String id) {
            requireLogin();
            return trail.of(id).map(r -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(AuditDocuments.json(r)))
                    .orElseGet(() -> json(HttpStatus.NOT_FOUND, Map.of("message", "no process instance '" + id + "' in the history")));
        }

        /** The BPMN XML the run was started with (its deployed process definition). */
        @GetMapping(value = BASE + "/api/runs/{id}/bpmn", produces = MediaType.APPLICATION_XML_VALUE)
        ResponseEntity<String> bpmn(@PathVariable("id") String id) throws IOException {
            requireLogin();
            var report = trail.of(id);
            if (report.isEmpty()) {
                return json(HttpStatus.NOT_FOUND, Map.of("message", "no process instance '" + id + "' in the history"));
            }
            try (InputStream in = repository.getProcessModel(report.get().processDefinitionId())) {
                return ResponseEntity.ok().contentType(MediaType.APPLICATION_XML)
                        .body(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }

        @ExceptionHandler(AuthorizationException.class)
        ResponseEntity<String> forbidden(AuthorizationException e) {
            return json(HttpStatus.FORBIDDEN, Map.of("message", e.getMessage()));
        }

        @ExceptionHandler(NotLoggedIn.class)
        ResponseEntity<String> unauthorized() {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).header("WWW-Authenticate", "Basic realm=\"default\"")
                    .contentType(MediaType.APPLICATION_JSON).body("{\"message\":\"log in\"}");
        }

        /** The filter sets the engine's authenticated user; without one (filter missing or bypassed), nothing is read. */
        private void requireLogin() {
            if (identity.getCurrentAuthentication() == null || identity.getCurrentAuthentication().getUserId() == null) {
                throw new NotLoggedIn();
            }
        }

        private static ResponseEntity<String> json(Object body) {
            return json(HttpStatus.OK, body);
        }

        private static ResponseEntity<String> json(HttpStatus status, Object body) {
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(AuditDocuments.json(body));
        }
    }

    static final class NotLoggedIn extends RuntimeException {
        NotLoggedIn() {
            super("not logged in", null, false, false);
        }
    }
}
