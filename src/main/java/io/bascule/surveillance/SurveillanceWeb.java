package io.bascule.surveillance;

import io.bascule.config.BasculeProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.net.URI;
import java.util.Map;

/**
 * The surveillance live page of the web app ({@code /surveillance/}, static HTML, CSS and JavaScript with uPlot from
 * its WebJar, no front-end build) and its read-only API:
 * <ul>
 *   <li>{@code GET /bascule-api/surveillance/state}: the sampling's state, the latest sample with its checks and the
 *   thresholds, the active surveillance runs with their open tasks ({@link LiveState#state()});</li>
 *   <li>{@code GET /bascule-api/surveillance/samples?minutes=60}: the chart points of the last minutes, from memory
 *   and, older, from the work directory's sample files ({@link LiveState#samples(int)});</li>
 *   <li>{@code GET /bascule-api/surveillance/stream}: server-sent events, one per new sample ({@link LiveStream}).</li>
 * </ul>
 * Everything under {@code /surveillance} and {@code /bascule-api/surveillance} needs a login, as the audit page
 * does: HTTP Basic against the engine's users (any of them, {@code viewer} included), checked by Camunda's
 * {@link ProcessEngineAuthenticationFilter}, which makes the user the engine's authenticated user for the request, so
 * that Camunda authorization decides which runs and tasks the state shows. Nothing here writes; URLs are shown without
 * credentials.
 */
@Configuration
@ConditionalOnWebApplication
public class SurveillanceWeb {

    static final String PAGE = "/surveillance";
    static final String API = "/bascule-api/surveillance";

    @Bean
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> surveillanceAuthenticationFilter() {
        return io.bascule.web.BasicLogin.filter("bascule-surveillance-basic-auth", true, PAGE, PAGE + "/*", API, API + "/*");
    }

    @Bean
    LiveState liveState(SurveillanceLoop loop, SurveillanceSettings schedule, BasculeProperties properties,
                        RuntimeService runtime, TaskService tasks, RepositoryService repository) {
        return new LiveState(loop, schedule, properties, runtime, tasks, repository);
    }

    @Bean(destroyMethod = "close")
    LiveStream liveStream(SurveillanceLoop loop) {
        return new LiveStream(loop);
    }

    // a nested component is found by the component scan on its own: it needs the condition of its own too (as AuditWeb's)
    @RestController
    @ConditionalOnWebApplication
    static class SurveillanceController {

        private final LiveState state;
        private final LiveStream stream;
        private final IdentityService identity;

        SurveillanceController(LiveState state, LiveStream stream, IdentityService identity) {
            this.state = state;
            this.stream = stream;
            this.identity = identity;
        }

        @GetMapping({PAGE, PAGE + "/"})
        ResponseEntity<Void> index() {
            return ResponseEntity.status(HttpStatus.FOUND).location(URI.create(PAGE + "/index.html")).build();
        }

        @GetMapping(value = API + "/state", produces = MediaType.APPLICATION_JSON_VALUE)
        ResponseEntity<String> state() {
            requireLogin();
            return json(HttpStatus.OK, state.state());
        }

        @GetMapping(value = API + "/samples", produces = MediaType.APPLICATION_JSON_VALUE)
        ResponseEntity<String> samples(@RequestParam(name = "minutes", defaultValue = "60") int minutes) {
            requireLogin();
            return json(HttpStatus.OK, state.samples(minutes));
        }

        /**
         * Server-sent events: {@code sample} per new sample (id: its epoch milliseconds), {@code reload} when a
         * reconnect missed too much. {@code after} (epoch ms) replays the samples since; the header Last-Event-ID,
         * which a reconnecting EventSource sends, takes precedence.
         */
        @GetMapping(value = API + "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
        ResponseEntity<SseEmitter> stream(@RequestParam(name = "after", required = false) Long after, HttpServletRequest request) {
            requireLogin();
            Long from = after;
            String lastEventId = request.getHeader("Last-Event-ID");
            if (lastEventId != null && lastEventId.matches("\\d{1,19}")) {
                from = Long.parseLong(lastEventId);
            }
            // no proxy buffering (nginx) and no caching: each event goes out when it is sent
            return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header("X-Accel-Buffering", "no")
                    .body(stream.subscribe(from));
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

        @ExceptionHandler(IllegalArgumentException.class)
        ResponseEntity<String> badRequest(IllegalArgumentException e) {
            return json(HttpStatus.BAD_REQUEST, Map.of("message", e.getMessage()));
        }

        @ExceptionHandler(MethodArgumentTypeMismatchException.class)
        ResponseEntity<String> badParameter(MethodArgumentTypeMismatchException e) {
            return json(HttpStatus.BAD_REQUEST, Map.of("message", "'" + e.getName() + "' must be a whole number; got '"
                    + e.getValue() + "'"));
        }

        @ExceptionHandler(LiveStream.TooManyStreams.class)
        ResponseEntity<String> tooMany(LiveStream.TooManyStreams e) {
            return json(HttpStatus.SERVICE_UNAVAILABLE, Map.of("message", e.getMessage()));
        }

        /** The filter sets the engine's authenticated user; without one (filter missing or bypassed), nothing is read. */
        private void requireLogin() {
            if (identity.getCurrentAuthentication() == null || identity.getCurrentAuthentication().getUserId() == null) {
                throw new NotLoggedIn();
            }
        }

        private static ResponseEntity<String> json(HttpStatus status, Object body) {
            try {
                return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                        .body(SampleJson.mapper().writeValueAsString(body));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    static final class NotLoggedIn extends RuntimeException {
        NotLoggedIn() {
            super("not logged in", null, false, false);
        }
    }
}
