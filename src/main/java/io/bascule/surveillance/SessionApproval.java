package io.bascule.surveillance;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which idle sessions a DBA approved ending (connections playbook): the pids typed in {@code approvedPids}
 * ("123, 456"; empty: every session listed), kept only when the list showed them. A pid that was not listed is never
 * ended: it is named in {@link #notListed()}.
 *
 * @param chosen    the pids to end, in the order typed (or listed)
 * @param notListed pids typed that the list did not show
 */
public record SessionApproval(List<Integer> chosen, List<Integer> notListed) {

    public SessionApproval {
        chosen = List.copyOf(chosen);
        notListed = List.copyOf(notListed);
    }

    /**
     * @param approvedPids the text typed (null or blank: all listed)
     * @param listedJson   {@link EmergencyVariables#IDLE_SESSION_PIDS} of the list the DBA saw (a JSON array)
     * @throws EmergencyActionRefused when the text holds something that is not a pid
     */
    public static SessionApproval of(String approvedPids, String listedJson) {
        List<Integer> listed = listed(listedJson);
        if (approvedPids == null || approvedPids.isBlank()) {
            return new SessionApproval(listed, List.of());
        }
        Set<Integer> typed = new LinkedHashSet<>();
        for (String part : approvedPids.split("[,;\\s]+")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                int pid = Integer.parseInt(part.strip());
                if (pid <= 0) {
                    throw new NumberFormatException();
                }
                typed.add(pid);
            } catch (NumberFormatException e) {
                throw new EmergencyActionRefused("approvedPids holds '" + part.strip() + "', which is not a process id: give"
                        + " the pids of the listed sessions separated by commas (e.g. 123, 456), or leave it empty to end"
                        + " every session listed; nothing was ended");
            }
        }
        List<Integer> chosen = new ArrayList<>();
        List<Integer> notListed = new ArrayList<>();
        for (Integer pid : typed) {
            (listed.contains(pid) ? chosen : notListed).add(pid);
        }
        return new SessionApproval(chosen, notListed);
    }

    private static List<Integer> listed(String json) {
        List<Integer> pids = new ArrayList<>();
        if (json == null || json.isBlank()) {
            return pids;
        }
        try {
            JsonNode root = VariableText.JSON.readTree(json);
            root.forEach(n -> {
                if (n.canConvertToInt()) {
                    pids.add(n.asInt());
                }
            });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new EmergencyActionRefused("the list of idle sessions is not readable (" + e.getOriginalMessage()
                    + "): raise the playbook again to list them anew; nothing was ended");
        }
        return pids;
    }
}
