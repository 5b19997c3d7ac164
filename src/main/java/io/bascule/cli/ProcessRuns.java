package io.bascule.cli;

import org.camunda.bpm.engine.HistoryService;


/** What the CLI commands that run a process headless read back from its history. */
final class ProcessRuns {

    /** Who the audit trail names for what the command line starts and completes. */
    static final String CLI_USER = "cli";

    private ProcessRuns() {
    }

    /** A variable of a (finished or running) process instance, or null. */
    static Object variable(HistoryService history, String instanceId, String name) {
        return io.bascule.process.HistoryVariables.value(history, instanceId, name);
    }

    /** A message on one line, for stderr. */
    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }
}
