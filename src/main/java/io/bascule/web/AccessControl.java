package io.bascule.web;

import io.bascule.process.ProcessKeys;
import jakarta.annotation.PostConstruct;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.BatchPermissions;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.authorization.HistoricProcessInstancePermissions;
import org.camunda.bpm.engine.authorization.HistoricTaskPermissions;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.ProcessDefinitionPermissions;
import org.camunda.bpm.engine.authorization.ProcessInstancePermissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.authorization.UserOperationLogCategoryPermissions;
import org.camunda.bpm.engine.history.UserOperationLogEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

import static org.camunda.bpm.engine.authorization.Authorization.ANY;

/**
 * Who may do what in Tasklist, Cockpit, Admin and the REST API (Camunda authorization is on, see
 * {@code camunda.bpm.authorization} in config/application.yml). Three groups, each a role:
 * <ul>
 *   <li>{@code camunda-admin}: everything ({@code ALL} on every resource, as Camunda's own first-start setup grants);</li>
 *   <li>{@code dba}: starts the runbook processes, sees and works their tasks (claim, complete, assign), reads their
 *   instances and history, retries failed jobs (incidents); Tasklist and Cockpit;</li>
 *   <li>{@code viewer}: reads the same instances, tasks and history, changes nothing; Tasklist and Cockpit.</li>
 * </ul>
 * The runbook permissions are granted on the process definitions by key ({@link ProcessKeys#ALL}), not per task:
 * a task created by the command line's engine (which runs without authorization checks, see SpringLauncher) has no
 * per-task authorization, and is still visible and workable for {@code dba} in Tasklist.
 * <p>
 * Granted at every start, through the public {@link AuthorizationService}, idempotently: an existing grant of the
 * group on the resource is completed with what is missing, nothing is created twice, and nothing an administrator
 * added is removed.
 */
@Component
@ConditionalOnWebApplication
public class AccessControl {

    /** Read-only users: Tasklist and Cockpit views, instances, history. */
    public static final String VIEWER_GROUP = "viewer";

    /** The Bascule roles: the groups that get authorizations. Other configured groups get none. */
    public static final List<String> GROUPS = List.of(Groups.CAMUNDA_ADMIN, ProcessKeys.DBA_GROUP, VIEWER_GROUP);

    private static final Logger log = LoggerFactory.getLogger(AccessControl.class);

    private final AuthorizationService authorizationService;
    private final TasklistFilters filters;

    /** One grant: a group's permissions on one resource (id or {@code *}). */
    public record Grant(String groupId, Resource resource, String resourceId, List<Permission> permissions) {
        Grant(String groupId, Resource resource, String resourceId, Permission... permissions) {
            this(groupId, resource, resourceId, List.of(permissions));
        }
    }

    /** WebUsers first: the groups exist before they are granted anything (the grants themselves do not need it). */
    public AccessControl(AuthorizationService authorizationService, TasklistFilters filters, WebUsers users) {
        this.authorizationService = authorizationService;
        this.filters = filters;
    }

    @PostConstruct
    void grantAll() {
        int created = 0;
        int completed = 0;
        for (Grant grant : grants(filters.ids())) {
            Authorization existing = authorizationService.createAuthorizationQuery()
                    .authorizationType(Authorization.AUTH_TYPE_GRANT).groupIdIn(grant.groupId())
                    .resourceType(grant.resource()).resourceId(grant.resourceId()).singleResult();
            Authorization authorization = existing;
            if (authorization == null) {
                authorization = authorizationService.createNewAuthorization(Authorization.AUTH_TYPE_GRANT);
                authorization.setGroupId(grant.groupId());
                authorization.setResource(grant.resource());
                authorization.setResourceId(grant.resourceId());
            }
            boolean changed = existing == null;
            for (Permission p : grant.permissions()) {
                if (!authorization.isPermissionGranted(p)) {
                    authorization.addPermission(p);
                    changed = true;
                }
            }
            if (changed) {
                authorizationService.saveAuthorization(authorization);
                if (existing == null) {
                    created++;
                } else {
                    completed++;
                }
            }
        }
        log.info("Access control: groups {} granted ({} authorizations created, {} completed)", GROUPS, created, completed);
    }

    /** Every grant of the three roles; {@code filterIds} are the Tasklist filters the roles may read. */
    public static List<Grant> grants(List<String> filterIds) {
        List<Grant> grants = new ArrayList<>();
        for (Resources resource : Resources.values()) {
            grants.add(new Grant(Groups.CAMUNDA_ADMIN, resource, ANY, Permissions.ALL));
        }
        String dba = ProcessKeys.DBA_GROUP;
        for (String key : ProcessKeys.ALL) {
            grants.add(new Grant(dba, Resources.PROCESS_DEFINITION, key,
                    ProcessDefinitionPermissions.READ, ProcessDefinitionPermissions.CREATE_INSTANCE,
                    ProcessDefinitionPermissions.READ_INSTANCE, ProcessDefinitionPermissions.READ_INSTANCE_VARIABLE,
                    ProcessDefinitionPermissions.READ_HISTORY, ProcessDefinitionPermissions.READ_HISTORY_VARIABLE,
                    ProcessDefinitionPermissions.READ_TASK, ProcessDefinitionPermissions.READ_TASK_VARIABLE,
                    ProcessDefinitionPermissions.TASK_WORK, ProcessDefinitionPermissions.TASK_ASSIGN,
                    ProcessDefinitionPermissions.RETRY_JOB,
                    // sending a runbook's messages (abortCutover: the DBA's "stop the cutover") needs it
                    ProcessDefinitionPermissions.UPDATE_INSTANCE));
            grants.add(new Grant(VIEWER_GROUP, Resources.PROCESS_DEFINITION, key,
                    ProcessDefinitionPermissions.READ,
                    ProcessDefinitionPermissions.READ_INSTANCE, ProcessDefinitionPermissions.READ_INSTANCE_VARIABLE,
                    ProcessDefinitionPermissions.READ_HISTORY, ProcessDefinitionPermissions.READ_HISTORY_VARIABLE,
                    ProcessDefinitionPermissions.READ_TASK, ProcessDefinitionPermissions.READ_TASK_VARIABLE));
        }
        // starting an instance needs CREATE on process instances besides CREATE_INSTANCE on its definition
        grants.add(new Grant(dba, Resources.PROCESS_INSTANCE, ANY, ProcessInstancePermissions.CREATE));
        // Cockpit's bulk retry of failed jobs is a batch
        grants.add(new Grant(dba, Resources.BATCH, ANY, BatchPermissions.CREATE_BATCH_SET_JOB_RETRIES));
        for (String group : List.of(dba, VIEWER_GROUP)) {
            grants.add(new Grant(group, Resources.APPLICATION, "tasklist", Permissions.ACCESS));
            grants.add(new Grant(group, Resources.APPLICATION, "cockpit", Permissions.ACCESS));
            for (String filterId : filterIds) {
                grants.add(new Grant(group, Resources.FILTER, filterId, Permissions.READ));
            }
            // the models (diagrams, forms) and who is who (assignees' names)
            grants.add(new Grant(group, Resources.DEPLOYMENT, ANY, Permissions.READ));
            grants.add(new Grant(group, Resources.USER, ANY, Permissions.READ));
            grants.add(new Grant(group, Resources.GROUP, ANY, Permissions.READ));
            // the audit log's entries without a process definition (task and operator actions, not user admin)
            for (String category : List.of(UserOperationLogEntry.CATEGORY_TASK_WORKER, UserOperationLogEntry.CATEGORY_OPERATOR)) {
                grants.add(new Grant(group, Resources.OPERATION_LOG_CATEGORY, category, UserOperationLogCategoryPermissions.READ));
            }
            // only checked when the engine's enableHistoricInstancePermissions is on (READ_HISTORY above otherwise)
            grants.add(new Grant(group, Resources.HISTORIC_PROCESS_INSTANCE, ANY, HistoricProcessInstancePermissions.READ));
            grants.add(new Grant(group, Resources.HISTORIC_TASK, ANY, HistoricTaskPermissions.READ, HistoricTaskPermissions.READ_VARIABLE));
        }
        return grants;
    }
}
