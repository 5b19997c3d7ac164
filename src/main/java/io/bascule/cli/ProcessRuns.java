package io.bascule.cli;

import io.bascule.process.ProcessDeployer;
import io.bascule.process.ProcessVariables;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.HashMap;
import java.util.Map;

/** What the CLI commands that run a process headless read back from its history. */
final class ProcessRuns {

    /** Who the audit trail names for what the command line starts and completes. */
    static final String CLI_USER = "cli";

    private ProcessRuns() {
    }

    /** Deploys the models (the CLI context is lazy) and starts {@code key} as {@link #CLI_USER}, its initiator. */
    static ProcessInstance startAsCli(ConfigurableApplicationContext app, String key, Map<String, Object> variables) {
        app.getBean(ProcessDeployer.class);
        Map<String, Object> vars = new HashMap<>(variables);
        vars.put(ProcessVariables.INITIATOR, CLI_USER);
        IdentityService identity = app.getBean(IdentityService.class);
        identity.setAuthenticatedUserId(CLI_USER);
        try {
            return app.getBean(RuntimeService.class).startProcessInstanceByKey(key, vars);
        } finally {
            identity.clearAuthentication();
        }
    }

    /** A variable of a (finished or running) process instance, or null. */
    static Object variable(HistoryService history, String instanceId, String name) {
        HistoricVariableInstance v = history.createHistoricVariableInstanceQuery().processInstanceId(instanceId)
                .variableName(name).singleResult();
        return v == null ? null : v.getValue();
    }

    /** A message on one line, for stderr. */
    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }
}
