package io.bascule.web;

import io.bascule.process.ProcessKeys;
import io.bascule.web.AccessControl.Grant;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What each role is granted, read from the grant table itself (the engine's enforcement: AccessControlIT). */
class AccessControlTest {

    private final List<Grant> grants = AccessControl.grants(List.of("filter-1", "filter-2"));

    @Test
    void administratorsGetEverythingOnEveryResource() {
        for (Resources resource : Resources.values()) {
            assertThat(grants).anySatisfy(g -> {
                assertThat(g.groupId()).isEqualTo(Groups.CAMUNDA_ADMIN);
                assertThat(g.resource()).isEqualTo(resource);
                assertThat(g.resourceId()).isEqualTo("*");
                assertThat(g.permissions()).containsExactly(Permissions.ALL);
            });
        }
    }

    @Test
    void viewersOnlyReadAndDbasWorkEveryRunbook() {
        for (Grant g : grants) {
            if (g.groupId().equals(AccessControl.VIEWER_GROUP)) {
                assertThat(g.permissions()).as(g.toString())
                        .allSatisfy(p -> assertThat(p.getName()).matches("READ.*|ACCESS"));
            }
        }
        for (String key : ProcessKeys.ALL) {
            Grant dba = grants.stream().filter(g -> g.groupId().equals(ProcessKeys.DBA_GROUP)
                    && g.resource() == Resources.PROCESS_DEFINITION && g.resourceId().equals(key)).findFirst().orElseThrow();
            assertThat(dba.permissions()).extracting(Permission::getName)
                    .contains("CREATE_INSTANCE", "READ_TASK", "TASK_WORK", "READ_HISTORY", "RETRY_JOB", "UPDATE_INSTANCE");
        }
        assertThat(ProcessKeys.ALL).contains(ProcessKeys.GOLD_VERIFICATION);
        assertThat(grants).filteredOn(g -> g.resource() == Resources.FILTER && !g.groupId().equals(Groups.CAMUNDA_ADMIN))
                .extracting(Grant::resourceId).containsOnly("filter-1", "filter-2").hasSize(4);
        assertThat(grants).noneSatisfy(g -> assertThat(g.resource() == Resources.APPLICATION && g.resourceId().equals("admin")
                && !g.groupId().equals(Groups.CAMUNDA_ADMIN)).isTrue());
    }

    @Test
    void eachGroupHasOneGrantPerResource() {
        Set<String> seen = new HashSet<>();
        for (Grant g : grants) {
            assertThat(seen.add(g.groupId() + "|" + g.resource() + "|" + g.resourceId())).as(g.toString()).isTrue();
        }
    }
}
