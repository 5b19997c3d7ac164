package io.bascule.surveillance.delegate;

import io.bascule.process.Playbooks;
import io.bascule.process.SurveillanceVariables;
import io.bascule.surveillance.ActionResult;
import io.bascule.surveillance.EmergencyActionRefused;
import io.bascule.surveillance.EmergencyActions;
import io.bascule.surveillance.EmergencyVariables;
import io.bascule.surveillance.EndedSessions;
import io.bascule.surveillance.IndexProposal;
import io.bascule.surveillance.SessionApproval;
import io.bascule.surveillance.SlowQueryProposals;
import io.bascule.surveillance.SurveillanceServices;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The approved actions of the playbooks, run by the user who approved them ({@link ApprovalHistory}: decidedBy in
 * the actions' record and variables). A dry run says what it would do and does nothing. A refusal (a proposal or pid
 * that is not one the diagnosis offered) or a failure is recorded in the result variable, never an error of the
 * model: the surveillance goes on.
 */
final class PlaybookActionDelegates {

    private static final Logger log = LoggerFactory.getLogger(PlaybookActionDelegates.class);

    private PlaybookActionDelegates() {
    }

    /** The line that tells the outcome: the last one marked ✅ or ❌, else the last. */
    static String outcome(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("✅") || lines.get(i).startsWith("❌")) {
                return lines.get(i);
            }
        }
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    /**
     * Slow queries: {@code slowQueryAction} vacuumAnalyze (the table of proposal {@code slowQueryProposal}, or every
     * table the diagnosis proposed to vacuum) or createIndex (proposal {@code slowQueryProposal}, built CONCURRENTLY),
     * the proposal read from the diagnosis's JSON kept in the run; sets {@code slowQueryFixResult} and the
     * {@code action*} variables.
     */
    @Component("applySlowQueryFixDelegate")
    static class ApplySlowQueryFixDelegate extends SurveillanceStep {
        ApplySlowQueryFixDelegate(SurveillanceServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        protected void runStep(DelegateExecution execution) {
            String action = text(execution, SurveillanceVariables.SLOW_QUERY_ACTION);
            String decidedBy = ApprovalHistory.approver(execution);
            boolean dryRun = dryRun(execution);
            List<String> lines = new ArrayList<>();
            Map<String, Object> variables = new LinkedHashMap<>();
            try {
                Integer number = whole(execution.getVariable(SurveillanceVariables.SLOW_QUERY_PROPOSAL),
                        SurveillanceVariables.SLOW_QUERY_PROPOSAL);
                SlowQueryProposals proposals = SlowQueryProposals.of(
                        text(execution, EmergencyVariables.VACUUM_PROPOSALS_JSON), text(execution, EmergencyVariables.INDEX_PROPOSALS_JSON));
                if (Playbooks.SLOW_QUERY_VACUUM_ANALYZE.equals(action)) {
                    List<SlowQueryProposals.Proposal> tables = proposals.vacuumTargets(number);
                    if (dryRun) {
                        lines.add("dry run: VACUUM (ANALYZE) of " + tables.stream().map(SlowQueryProposals.Proposal::table)
                                .collect(Collectors.joining(", ")) + " approved by " + decidedBy + " would run; nothing was done");
                    } else {
                        EmergencyActions actions = actions(execution);
                        for (SlowQueryProposals.Proposal p : tables) {
                            ActionResult r = actions.vacuumAnalyze(p.schema(), p.tableName(), decidedBy);
                            lines.addAll(r.lines());
                            variables.putAll(r.variables());
                        }
                    }
                } else if (Playbooks.SLOW_QUERY_CREATE_INDEX.equals(action)) {
                    IndexProposal index = proposals.indexTarget(number);
                    if (dryRun) {
                        lines.add("dry run: " + index.sql() + " approved by " + decidedBy + " would run; nothing was done");
                    } else {
                        ActionResult r = actions(execution).createIndexConcurrently(index, decidedBy);
                        lines.addAll(r.lines());
                        variables.putAll(r.variables());
                    }
                } else {
                    lines.add("no fix applied: slowQueryAction is '" + action + "' (none, vacuumAnalyze or createIndex)");
                }
            } catch (EmergencyActionRefused e) {
                lines.add("❌ refused: " + e.getMessage());
            }
            variables.forEach(execution::setVariable);
            String result = capped(String.join("\n", lines));
            execution.setVariable(SurveillanceVariables.SLOW_QUERY_FIX_RESULT, result);
            log.info("surveillance {}: slow-query fix '{}' approved by {}: {}", execution.getProcessInstanceId(), action,
                    decidedBy, outcome(lines));
        }
    }

    /**
     * Connections exhausted: ends the approved idle sessions ({@code endSessions} true; {@code approvedPids} "123, 456",
     * empty: every session listed), only those the list showed; sets {@code endedSessions} and the
     * {@code endedSession*} variables.
     */
    @Component("endIdleSessionsDelegate")
    static class EndIdleSessionsDelegate extends SurveillanceStep {
        EndIdleSessionsDelegate(SurveillanceServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        protected void runStep(DelegateExecution execution) {
            List<String> lines = new ArrayList<>();
            Map<String, Object> variables = new LinkedHashMap<>();
            String decidedBy = ApprovalHistory.approver(execution);
            if (!Boolean.TRUE.equals(execution.getVariable(SurveillanceVariables.END_SESSIONS))) {
                lines.add("no session ended: ending them was not approved (endSessions)");
            } else {
                try {
                    SessionApproval approval = SessionApproval.of(text(execution, SurveillanceVariables.APPROVED_PIDS),
                            text(execution, EmergencyVariables.IDLE_SESSION_PIDS));
                    if (!approval.notListed().isEmpty()) {
                        lines.add("➖ not ended: pid(s) " + join(approval.notListed()) + " were not in the list of idle"
                                + " sessions approved (only listed sessions are ended)");
                    }
                    if (approval.chosen().isEmpty()) {
                        lines.add("no session ended: none of the approved pids was listed as idle");
                    } else if (dryRun(execution)) {
                        lines.add("dry run: ending the idle sessions " + join(approval.chosen()) + " approved by " + decidedBy
                                + " would run; nothing was ended");
                    } else {
                        EndedSessions ended = actions(execution).endSessions(approval.chosen(), decidedBy);
                        lines.addAll(ended.lines());
                        variables.putAll(ended.variables());
                    }
                } catch (EmergencyActionRefused e) {
                    lines.add("❌ refused: " + e.getMessage());
                }
            }
            variables.forEach(execution::setVariable);
            execution.setVariable(SurveillanceVariables.ENDED_SESSIONS, capped(String.join("\n", lines)));
            log.info("surveillance {}: ending idle sessions approved by {}: {}", execution.getProcessInstanceId(), decidedBy,
                    outcome(lines));
        }

        private static String join(List<Integer> pids) {
            return pids.stream().map(String::valueOf).collect(Collectors.joining(", "));
        }
    }
}
