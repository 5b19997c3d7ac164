package io.bascule.surveillance;

import io.bascule.BasculeApplication;
import io.bascule.config.Secrets;
import io.bascule.database.PostgresDialect;
import io.bascule.process.Playbooks;
import io.bascule.process.ProcessDeployer;
import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import io.bascule.process.SurveillanceVariables;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.QueryRows;
import io.bascule.testing.TestDatabases;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The surveillance on the application's engine (the Spring Boot application headless, its job executor on, the real
 * model and its real delegates) against the embedded PostgreSQL, with short settings: sampling every second,
 * checklists seconds after the start, updates every 2 s. The checklists carry the figures PostgreSQL shows and the
 * hour ends validated with its e-mails; many idle connections raise the connections playbook by themselves and the
 * approved sessions are ended; a slow statement on a table without an index raises the slow-query playbook and the
 * approved index is built, and a slow statement on a bloated table gets its VACUUM; a rollback requested by message
 * ends the surveillance in the called rollback. The rollback called is the test stub {@code bpmn-test/rollbackStub.bpmn}
 * (deployed as the latest version of {@code rollback}: the real one needs MySQL and a cutover; it waits at a task).
 */
@ExtendWith(EmbeddedDatabases.class)
class SurveillanceIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path work;

    /** The application headless as the CLI starts it, its job executor polling often (timers seconds away). */
    private ConfigurableApplicationContext start(TestDatabases dbs, Map<String, String> surveillance) {
        return start(dbs.targetUrl(), surveillance);
    }

    private ConfigurableApplicationContext start(String targetUrl, Map<String, String> surveillance) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bascule.work-dir", work.toString());
        settings.put("bascule.target.url", targetUrl);
        settings.put("bascule.target.user", "postgres");
        settings.put("bascule.target.schema", "public");
        settings.put("bascule.surveillance.sample-interval", "1s");
        settings.put("bascule.surveillance.idle-session-age", "1s");
        settings.put("bascule.surveillance.slow-query", "200ms");
        settings.put("bascule.surveillance.checklist-offsets", "10m");
        settings.put("bascule.surveillance.update-interval", "10m");
        surveillance.forEach((k, v) -> settings.put("bascule.surveillance." + k, v));
        settings.put("spring.datasource.url", "jdbc:h2:mem:surveillance-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        settings.put("spring.main.lazy-initialization", "true");
        settings.put("spring.jmx.enabled", "false");
        settings.put("camunda.bpm.authorization.enabled", "false");
        settings.put("camunda.bpm.generate-unique-process-engine-name", "true");
        settings.put("camunda.bpm.generate-unique-process-application-name", "true");
        settings.put("camunda.bpm.job-execution.enabled", "true");
        settings.put("camunda.bpm.job-execution.wait-time-in-millis", "200");
        settings.put("camunda.bpm.job-execution.max-wait", "500");
        settings.put("spring.autoconfigure.exclude",
                "org.camunda.bpm.spring.boot.starter.webapp.CamundaBpmWebappAutoConfiguration,"
                        + "org.camunda.bpm.spring.boot.starter.rest.CamundaBpmRestJerseyAutoConfiguration");
        SpringApplication app = new SpringApplication(BasculeApplication.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setLogStartupInfo(false);
        app.addInitializers(ctx -> ctx.getBeanFactory().registerSingleton("secrets", new Secrets(name -> null)));
        ConfigurableApplicationContext context = app.run(settings.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
        context.getBean(ProcessDeployer.class);   // the models of bpmn/ and forms/
        context.getBean(ProcessEngine.class).getRepositoryService().createDeployment().name("rollback stub")
                .addClasspathResource("bpmn-test/rollbackStub.bpmn").deploy();
        context.getBean(PlaybookTriggers.class).register();   // as serve and demo do
        return context;
    }

    private static ProcessInstance startSurveillance(ProcessEngine engine) {
        engine.getIdentityService().setAuthenticatedUserId("alice");
        try {
            return engine.getRuntimeService().startProcessInstanceByKey(ProcessKeys.SURVEILLANCE);
        } finally {
            engine.getIdentityService().clearAuthentication();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static <T> T await(String what, Supplier<T> value) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            T v = value.get();
            if (v != null && !Boolean.FALSE.equals(v)) {
                return v;
            }
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static Task awaitTask(ProcessEngine engine, ProcessInstance pi, String namePrefix) throws InterruptedException {
        return await("task '" + namePrefix + "'", () -> engine.getTaskService().createTaskQuery().processInstanceId(pi.getId())
                .taskNameLike(namePrefix + "%").list().stream().findFirst().orElse(null));
    }

    /**
     * Claims and completes a task as a user does in Tasklist; a completion that meets a step of the same run committing
     * at the same moment (the engine's optimistic locking: Tasklist shows the error and the DBA submits again) is
     * submitted again.
     */
    private static void completeAs(ProcessEngine engine, String user, Task task, Map<String, Object> variables) {
        engine.getIdentityService().setAuthenticatedUserId(user);
        try {
            engine.getTaskService().claim(task.getId(), user);
            for (int attempt = 1; ; attempt++) {
                try {
                    engine.getTaskService().complete(task.getId(), variables);
                    return;
                } catch (org.camunda.bpm.engine.OptimisticLockingException e) {
                    if (attempt == 5) {
                        throw e;
                    }
                }
            }
        } finally {
            engine.getIdentityService().clearAuthentication();
        }
    }

    private static Object variable(ProcessEngine engine, ProcessInstance pi, String name) {
        if (engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(pi.getId()).count() > 0) {
            return engine.getRuntimeService().getVariable(pi.getId(), name);
        }
        return engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(pi.getId()).variableName(name)
                .list().stream().filter(v -> pi.getId().equals(v.getActivityInstanceId())).findFirst()
                .map(org.camunda.bpm.engine.history.HistoricVariableInstance::getValue).orElse(null);
    }

    private static Object awaitVariable(ProcessEngine engine, ProcessInstance pi, String name) throws InterruptedException {
        return await("variable " + name, () -> variable(engine, pi, name));
    }

    private static HistoricProcessInstance awaitEnd(ProcessEngine engine, ProcessInstance pi) throws InterruptedException {
        return await("the end of " + pi.getId(), () -> {
            HistoricProcessInstance h = engine.getHistoryService().createHistoricProcessInstanceQuery()
                    .processInstanceId(pi.getId()).singleResult();
            return h != null && h.getEndTime() != null ? h : null;
        });
    }

    private static int pid(Connection c) throws SQLException {
        return Integer.parseInt(QueryRows.rows(c, "SELECT pg_backend_pid()").get(0).get(0));
    }

    private static String sqlState(Connection c) {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            return "ok";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        return QueryRows.rows(c, sql).get(0).get(0);
    }

    /** The client sessions the sampler counts: every database, not its own session, not Bascule's sampling. */
    private static int clientSessions(Connection c) throws SQLException {
        return Integer.parseInt(single(c, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                + " AND pid <> pg_backend_pid() AND application_name IS DISTINCT FROM '"
                + PostgresDialect.MONITOR_APPLICATION_NAME + "'"));
    }

    private static int usableConnections(Connection c) throws SQLException {
        return Integer.parseInt(single(c, "SELECT current_setting('max_connections')::int"
                + " - current_setting('superuser_reserved_connections')::int"
                + " - coalesce(current_setting('reserved_connections', true)::int, 0)"));
    }

    private List<Path> mails(String template) throws Exception {
        Path dir = work.resolve("mail");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-" + template + ".eml")
                    || f.getFileName().toString().matches(".*-" + template + "-[0-9]+\\.eml")).sorted().toList();
        }
    }

    /** An .eml file's subject and plain text. */
    private static String[] mail(Path eml) throws Exception {
        try (InputStream in = Files.newInputStream(eml)) {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), in);
            return new String[]{m.getSubject(), plain(m.getContent())};
        }
    }

    private static String plain(Object content) throws Exception {
        if (content instanceof String s) {
            return s;
        }
        if (content instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart part = mp.getBodyPart(i);
                if (part.isMimeType("text/plain")) {
                    return (String) part.getContent();
                }
                if (part.getContent() instanceof Multipart) {
                    String inner = plain(part.getContent());
                    if (inner != null) {
                        return inner;
                    }
                }
            }
        }
        return null;
    }

    private static void closeAll(List<Connection> connections) {
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // ended by the playbook
            }
        }
    }

    // ------------------------------------------------------------------ (a) the hour

    @Test
    void checklistsCarryTheMeasuredFiguresAndTheHourEndsValidatedWithItsEmails(TestDatabases dbs) throws Exception {
        List<Connection> idle = new ArrayList<>();
        try (Connection admin = dbs.target(); Statement st = admin.createStatement()) {
            st.execute("CREATE EXTENSION pg_stat_statements");
            for (int i = 0; i < 6; i++) {
                idle.add(dbs.target());
            }
            ConfigurableApplicationContext context = start(dbs, Map.of("checklist-offsets", "4s,8s", "update-interval", "2s"));
            try {
                ProcessEngine engine = context.getBean(ProcessEngine.class);
                SurveillanceLoop loop = context.getBean(SurveillanceLoop.class);
                ProcessInstance pi = startSurveillance(engine);

                String baseline = (String) awaitVariable(engine, pi, SurveillanceVariables.SURVEILLANCE_BASELINE);
                assertThat(baseline).startsWith("First sample at").contains("database " + dbs.targetDatabase())
                        .contains("✅ Connections: ").contains("Sampling: every 1 s on this node");
                assertThat(loop.isRunning()).as("the open step started the sampling on this engine").isTrue();

                Task first = awaitTask(engine, pi, "Complete checklist T+4s");
                int sessionsNow = clientSessions(admin);
                Map<String, Object> checks = engine.getTaskService().getVariablesLocal(first.getId());
                String connections = (String) checks.get(SurveillanceVariables.CHECK_CONNECTIONS);
                Matcher m = Pattern.compile("(\\d+) of (\\d+) usable \\(([0-9.]+) %; max_connections (\\d+)\\)"
                        + " \\(at most 80 % of the usable connections\\) ✅").matcher(connections);
                assertThat(m.matches()).as(connections).isTrue();
                int counted = Integer.parseInt(m.group(1));
                assertThat(Integer.parseInt(m.group(2))).as("usable slots").isEqualTo(usableConnections(admin));
                assertThat(m.group(4)).as("max_connections").isEqualTo(single(admin, "SHOW max_connections"));
                assertThat(counted).as("the six idle sessions and this test's own are counted, the sampler's not")
                        .isGreaterThanOrEqualTo(idle.size() + 1).isLessThanOrEqualTo(sessionsNow + 2);
                assertThat(Double.parseDouble(m.group(3))).isCloseTo(100.0 * counted / Integer.parseInt(m.group(2)),
                        org.assertj.core.data.Offset.offset(0.06));
                assertThat((String) checks.get(SurveillanceVariables.CHECK_DEADLOCKS)).matches("0( since \\S+)? \\(none\\) ✅");
                assertThat((String) checks.get(SurveillanceVariables.CHECK_SLOW_QUERIES)).isEqualTo("none (none with a mean over 200 ms) ✅");
                assertThat((String) checks.get(SurveillanceVariables.CHECK_DEAD_TUPLES)).endsWith("✅");
                assertThat((String) checks.get(SurveillanceVariables.CHECK_MEAN_QUERY)).contains("(at most 100 ms)").endsWith("✅");
                assertThat((String) checks.get(SurveillanceVariables.CHECK_INDEXES_USED)).endsWith("✅");
                assertThat((String) checks.get(SurveillanceVariables.CHECK_APP_HEALTHY))
                        .isEqualTo("no health URL configured (bascule.app.health-url) (informative) ✅");
                assertThat(checks).containsEntry(SurveillanceVariables.CHECKLIST_ALL_PASSED, true);
                Instant measured = Instant.parse((String) checks.get(SurveillanceVariables.CHECKLIST_MEASURED_AT));
                assertThat(Duration.between(measured, first.getCreateTime().toInstant()).abs()).isLessThan(Duration.ofSeconds(3));
                completeAs(engine, "alice", first, Map.of(SurveillanceVariables.CHECKLIST_CONFIRMED, true,
                        SurveillanceVariables.CHECKLIST_NOTE, "all normal"));

                Task second = awaitTask(engine, pi, "Complete checklist T+8s");
                assertThat(engine.getTaskService().getVariablesLocal(second.getId()))
                        .containsKeys(ChecklistValues.VARIABLE_OF_CHECK.values().toArray(String[]::new));
                completeAs(engine, "bob", second, Map.of(SurveillanceVariables.CHECKLIST_CONFIRMED, true));

                awaitEnd(engine, pi);
                assertThat(variable(engine, pi, ProcessVariables.OUTCOME)).isEqualTo("H1_VALIDATED");
                assertThat(variable(engine, pi, ProcessVariables.OUTCOME_SUCCESS)).isEqualTo(true);
                String summary = (String) variable(engine, pi, SurveillanceVariables.SURVEILLANCE_SUMMARY);
                assertThat(summary).startsWith("H+1 validation complete: 2 of 2 checklists confirmed (none flagged);"
                        + " playbooks raised: none; PostgreSQL now:");
                assertThat(variable(engine, pi, ProcessVariables.OUTCOME_MESSAGE)).isEqualTo(summary);
                assertThat(variable(engine, pi, "surveillanceT4sPassed")).isEqualTo(true);
                assertThat((String) variable(engine, pi, SurveillanceVariables.SURVEILLANCE_CLOSED))
                        .startsWith("sampling stopped on this node");
                assertThat(loop.isRunning()).as("closed: the sampling this run started is stopped").isFalse();

                List<Path> h1 = mails(SurveillanceMails.H1_TEMPLATE);
                assertThat(h1).hasSize(1);
                String[] h1Mail = mail(h1.get(0));
                assertThat(h1Mail[0]).contains("H+1 validation complete: 2 of 2 checklists confirmed");
                assertThat(h1Mail[1]).contains("T+4s: ✅ confirmed by alice at ").contains("(note: all normal)")
                        .contains("T+8s: ✅ confirmed by bob at ").contains("samples from").contains("Highest connection usage: ")
                        .contains("War room (not configured (bascule.cutover.war-room-link))")
                        .contains("no war-room contacts configured (bascule.cutover.team)");
                List<Path> updates = mails(SurveillanceMails.UPDATE_TEMPLATE);
                assertThat(updates).as("a stakeholder update every 2 s while the run lasted").isNotEmpty();
                String[] update = mail(updates.get(0));
                assertThat(update[0]).contains("Surveillance T+").contains(": every check passed");
                assertThat(update[1]).contains("Open playbooks:  none").contains("✅ Connections: ").contains("Mean query time: ");
                assertThat(Files.readString(loop.store().fileOf(java.time.LocalDate.now(java.time.ZoneOffset.UTC))))
                        .as("the samples are kept in the work directory").contains(dbs.targetDatabase());
            } finally {
                context.close();
            }
        } finally {
            closeAll(idle);
        }
    }

    // ------------------------------------------------------------------ (b) connections exhausted, (d) rollback by message

    @Test
    void manyIdleConnectionsRaiseTheConnectionsPlaybookAndTheApprovedOnesAreEndedThenARollbackEndsIt(TestDatabases dbs)
            throws Exception {
        List<Connection> idle = new ArrayList<>();
        List<Integer> pids = new ArrayList<>();
        try (Connection admin = dbs.target()) {
            int before = clientSessions(admin);
            int usable = usableConnections(admin);
            // over the bound with a dozen more sessions, under it without them
            String bound = String.format(java.util.Locale.ROOT, "%.2f", 100.0 * (before + 4) / usable);
            for (int i = 0; i < 12; i++) {
                Connection c = dbs.target();
                if (i % 3 == 0) {
                    c.setAutoCommit(false);   // idle in a transaction after its SELECT
                }
                pids.add(pid(c));
                idle.add(c);
            }
            await("the sessions idle for over a second", () -> {
                try {
                    return Integer.parseInt(single(admin, "SELECT count(*) FROM pg_stat_activity WHERE pid IN ("
                            + pids.stream().map(String::valueOf).collect(Collectors.joining(",")) + ")"
                            + " AND state LIKE 'idle%' AND state_change < now() - interval '1200 milliseconds'")) == pids.size();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            ConfigurableApplicationContext context = start(dbs, Map.of("max-connection-usage-pct", bound));
            try {
                ProcessEngine engine = context.getBean(ProcessEngine.class);
                ProcessInstance pi = startSurveillance(engine);

                Task approve = awaitTask(engine, pi, "Approve ending idle sessions");
                Map<String, Object> vars = engine.getTaskService().getVariables(approve.getId());
                assertThat((String) vars.get(SurveillanceVariables.CONNECTIONS_EXHAUSTED_TRIGGER))
                        .startsWith("connections at ").contains("over the threshold " + bound.replaceAll("0+$", "").replaceAll("\\.$", ""));
                String listed = (String) vars.get(SurveillanceVariables.IDLE_SESSIONS);
                for (int pid : pids) {
                    assertThat(listed).as("session " + pid + " listed").contains("pid " + pid + " postgres");
                }
                List<Integer> approved = pids.subList(0, 8);
                completeAs(engine, "alice", approve, Map.of(SurveillanceVariables.END_SESSIONS, true,
                        SurveillanceVariables.APPROVED_PIDS, approved.stream().map(String::valueOf).collect(Collectors.joining(", "))
                                + ", 999999"));

                String ended = (String) awaitVariable(engine, pi, SurveillanceVariables.ENDED_SESSIONS);
                for (int pid : approved) {
                    assertThat(ended).contains("✅ ended pid " + pid + " postgres");
                }
                assertThat(ended).contains("pid(s) 999999 were not in the list").contains("8 of 8 approved session(s) ended");
                for (int i = 0; i < 12; i++) {
                    assertThat(sqlState(idle.get(i))).as("session %d", i).isEqualTo(i < 8 ? "57P01" : "ok");
                }
                assertThat(variable(engine, pi, EmergencyVariables.ENDED_SESSION_COUNT)).isEqualTo(8);
                assertThat(variable(engine, pi, EmergencyVariables.END_SESSIONS_DECIDED_BY)).isEqualTo("alice");
                assertThat(Files.readString(work.resolve("surveillance").resolve("actions.jsonl")))
                        .contains("\"action\":\"endSessions\"").contains("\"decidedBy\":\"alice\"");
                await("the playbook closed", () -> Boolean.FALSE.equals(variable(engine, pi, SurveillanceVariables.CONNECTIONS_EXHAUSTED_OPEN)));

                // (d) a rollback requested by message (one click, one command): the surveillance closes and calls it
                engine.getRuntimeService().createMessageCorrelation(Playbooks.MESSAGE_ROLLBACK_REQUESTED).processInstanceId(pi.getId())
                        .setVariable(ProcessVariables.REASON, "invoices missing").setVariable(ProcessVariables.DECIDED_BY, "carol")
                        .correlate();
                ProcessInstance rollback = await("the called rollback", () -> engine.getRuntimeService().createProcessInstanceQuery()
                        .superProcessInstanceId(pi.getId()).singleResult());
                assertThat(engine.getRuntimeService().getVariables(rollback.getId()))
                        .containsEntry(ProcessVariables.REASON, "invoices missing").containsEntry(ProcessVariables.DECIDED_BY, "carol")
                        .containsEntry(ProcessVariables.DRY_RUN, false);
                assertThat(variable(engine, pi, SurveillanceVariables.SURVEILLANCE_CLOSED_AT)).isNotNull();
                assertThat(engine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).count())
                        .as("no checklist, report or playbook task left").isZero();
                Task stub = awaitTask(engine, rollback, "Finish the stub rollback");
                completeAs(engine, "carol", stub, Map.of());
                awaitEnd(engine, pi);
                assertThat(variable(engine, pi, ProcessVariables.OUTCOME)).isEqualTo("ROLLED_BACK");
                assertThat((String) variable(engine, pi, ProcessVariables.OUTCOME_MESSAGE))
                        .startsWith("rolled back to MySQL: invoices missing (decided by carol)");
            } finally {
                context.close();
            }
        } finally {
            closeAll(idle);
        }
    }

    // ------------------------------------------------------------------ (c) slow queries

    private static void runSlow(Connection c, String sql, Integer param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) {
                ps.setInt(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rs.getObject(1);
                }
            }
        }
    }

    /** The number of the proposal whose line contains {@code part}. */
    private static int proposal(String proposals, String part) {
        return proposals.lines().filter(l -> l.contains(part)).map(l -> Integer.parseInt(l.substring(0, l.indexOf('.'))))
                .findFirst().orElseThrow(() -> new AssertionError("no proposal with " + part + " in:\n" + proposals));
    }

    @Test
    void aSlowQueryRaisesTheSlowQueryPlaybookAndTheApprovedIndexAndVacuumHaveTheirEffect(TestDatabases dbs) throws Exception {
        try (Connection admin = dbs.target(); Statement st = admin.createStatement()) {
            st.execute("CREATE EXTENSION pg_stat_statements");
            st.execute("CREATE TABLE orders (id int PRIMARY KEY, customer_id int, note text) WITH (autovacuum_enabled = false)");
            st.execute("INSERT INTO orders SELECT g, g % 500, 'n' || g FROM generate_series(1, 20000) g");
            st.execute("ANALYZE orders");
            ConfigurableApplicationContext context = start(dbs, Map.of());
            try {
                ProcessEngine engine = context.getBean(ProcessEngine.class);
                ProcessInstance pi = startSurveillance(engine);
                awaitVariable(engine, pi, SurveillanceVariables.SURVEILLANCE_BASELINE);

                // a statement slower than 200 ms that reads orders by a column no index starts with
                String slow = "SELECT o.id FROM orders o CROSS JOIN pg_sleep(0.3) s WHERE o.customer_id = ?";
                runSlow(admin, slow, 3);
                runSlow(admin, slow, 4);
                Task approve = awaitTask(engine, pi, "Approve a fix for slow queries");
                Map<String, Object> vars = engine.getTaskService().getVariables(approve.getId());
                assertThat((String) vars.get(SurveillanceVariables.SLOW_QUERIES_TRIGGER)).contains("with a mean time over 200 ms")
                        .contains("orders");
                assertThat((String) vars.get(SurveillanceVariables.SLOW_QUERY_DIAGNOSIS)).contains("Seq Scan on public.orders");
                String proposals = (String) vars.get(SurveillanceVariables.SLOW_QUERY_PROPOSALS);
                assertThat(proposals).startsWith("1. ");
                int index = proposal(proposals, "CREATE INDEX CONCURRENTLY \"orders_customer_id_idx\"");
                completeAs(engine, "alice", approve, Map.of(SurveillanceVariables.SLOW_QUERY_ACTION, Playbooks.SLOW_QUERY_CREATE_INDEX,
                        SurveillanceVariables.SLOW_QUERY_PROPOSAL, (long) index));

                String built = (String) awaitVariable(engine, pi, SurveillanceVariables.SLOW_QUERY_FIX_RESULT);
                assertThat(built).contains("approved by alice").contains("✅ index orders_customer_id_idx built");
                assertThat(QueryRows.rows(admin, "SELECT i.indisvalid::text FROM pg_index i"
                        + " WHERE i.indexrelid = to_regclass('public.orders_customer_id_idx')")).containsExactly(List.of("true"));
                assertThat(variable(engine, pi, EmergencyVariables.ACTION_DECIDED_BY)).isEqualTo("alice");
                await("the playbook closed", () -> Boolean.FALSE.equals(variable(engine, pi, SurveillanceVariables.SLOW_QUERIES_OPEN)));

                // a new slow statement, on a bloated table: raised again; the approved VACUUM ANALYZE removes its dead rows
                st.execute("CREATE TABLE events (id int PRIMARY KEY, note text) WITH (autovacuum_enabled = false)");
                st.execute("INSERT INTO events SELECT g, 'e' || g FROM generate_series(1, 10000) g");
                st.execute("DELETE FROM events WHERE id > 1000");
                st.execute("SELECT pg_stat_force_next_flush()");
                String bloated = "SELECT count(*) FROM events e CROSS JOIN pg_sleep(0.3) s";
                runSlow(admin, bloated, null);
                runSlow(admin, bloated, null);
                Task again = await("the slow-query playbook raised again", () -> engine.getTaskService().createTaskQuery()
                        .processInstanceId(pi.getId()).taskNameLike("Approve a fix for slow queries%").list().stream()
                        .filter(t -> !t.getId().equals(approve.getId())).findFirst().orElse(null));
                String second = (String) engine.getTaskService().getVariable(again.getId(), SurveillanceVariables.SLOW_QUERY_PROPOSALS);
                int vacuum = proposal(second, "VACUUM (ANALYZE) \"public\".\"events\"");
                completeAs(engine, "bob", again, Map.of(SurveillanceVariables.SLOW_QUERY_ACTION, Playbooks.SLOW_QUERY_VACUUM_ANALYZE,
                        SurveillanceVariables.SLOW_QUERY_PROPOSAL, (long) vacuum));
                String vacuumed = (String) await("the vacuum's result", () -> {
                    Object r = variable(engine, pi, SurveillanceVariables.SLOW_QUERY_FIX_RESULT);
                    return r != null && r.toString().contains("events") ? r : null;
                });
                assertThat(vacuumed).contains("approved by bob").contains("dead rows 9000 → 0");
                assertThat(QueryRows.rows(admin, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'events'"))
                        .containsExactly(List.of("0"));
                engine.getRuntimeService().deleteProcessInstance(pi.getId(), "test over");
            } finally {
                context.close();
            }
        }
    }

    // ------------------------------------------------------------------ a surveillance that cannot run

    @Test
    void aTargetThatCannotBeReachedEndsTheSurveillanceFailedWithTheReasonAndNoIncident() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ConfigurableApplicationContext context = start("jdbc:postgresql://127.0.0.1:" + port + "/shop", Map.of());
        try {
            ProcessEngine engine = context.getBean(ProcessEngine.class);
            ProcessInstance pi = startSurveillance(engine);
            awaitEnd(engine, pi);
            assertThat(variable(engine, pi, ProcessVariables.OUTCOME)).isEqualTo("FAILED");
            assertThat((String) variable(engine, pi, ProcessVariables.OUTCOME_MESSAGE))
                    .startsWith("PostgreSQL cannot be reached: ").contains("127.0.0.1:" + port)
                    .endsWith("start a new surveillance once it answers (bascule monitor --once shows what it sees)");
            assertThat(engine.getHistoryService().createHistoricIncidentQuery().processInstanceId(pi.getId()).count())
                    .as("a business outcome, not an incident").isZero();
            assertThat((String) variable(engine, pi, SurveillanceVariables.SURVEILLANCE_CLOSED)).startsWith("sampling stopped");
            assertThat(context.getBean(SurveillanceLoop.class).isRunning()).isFalse();
        } finally {
            context.close();
        }
    }
}
