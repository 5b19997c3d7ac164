package io.bascule.web;

import io.bascule.process.ProcessKeys;
import jakarta.annotation.PostConstruct;
import org.camunda.bpm.engine.FilterService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.filter.Filter;
import org.camunda.bpm.engine.task.TaskQuery;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates the Tasklist filters once (a bare Camunda 7 Tasklist shows no task until a filter exists):
 * the runbook tasks of the {@code dba} group, the tasks of the logged-in user, and all open tasks.
 * Filters a user has deleted or edited are left as they are: only a missing name is created.
 * <p>
 * Tasklist opens on the filter with the lowest {@code priority} property (when the URL names none), so the
 * runbook filter has the lowest: right after a DBA starts a runbook its task is there, where <i>My tasks</i> is
 * still empty until someone claims it.
 */
@Component
public class TasklistFilters {

    public static final String MY_TASKS = "My tasks";
    public static final String RUNBOOK_TASKS = "Runbook tasks (dba)";
    public static final String ALL_OPEN = "All open tasks";

    /** The filters' {@code priority} property: Tasklist lists them in this order and opens on the lowest. */
    static final int RUNBOOK_TASKS_PRIORITY = -10;
    static final int MY_TASKS_PRIORITY = 0;
    static final int ALL_OPEN_PRIORITY = 10;

    private final FilterService filterService;
    private final TaskService taskService;

    public TasklistFilters(FilterService filterService, TaskService taskService) {
        this.filterService = filterService;
        this.taskService = taskService;
    }

    @PostConstruct
    void createMissing() {
        openOnRunbookTasks();
        create(RUNBOOK_TASKS, RUNBOOK_TASKS_PRIORITY, "#d97706", "Runbook tasks waiting for a DBA",
                taskService.createTaskQuery().taskCandidateGroup(ProcessKeys.DBA_GROUP).includeAssignedTasks());
        create(MY_TASKS, MY_TASKS_PRIORITY, "#3b82f6", "Tasks assigned to me",
                taskService.createTaskQuery().taskAssigneeExpression("${currentUser()}"));
        create(ALL_OPEN, ALL_OPEN_PRIORITY, "#6b7280", "Every open task", taskService.createTaskQuery());
    }

    /** The ids of Bascule's filters that exist (by name), for the authorizations that let users read them. */
    public List<String> ids() {
        return List.of(MY_TASKS, RUNBOOK_TASKS, ALL_OPEN).stream()
                .flatMap(name -> filterService.createFilterQuery().filterName(name).list().stream())
                .map(Filter::getId).toList();
    }

    /**
     * Work directories from earlier versions have <i>My tasks</i> at priority -10 and the runbook filter at 0, so
     * Tasklist opened on <i>My tasks</i>: exactly those two untouched values are moved to the new order. A priority
     * a user has set is kept.
     */
    private void openOnRunbookTasks() {
        Filter mine = filterService.createFilterQuery().filterName(MY_TASKS).singleResult();
        Filter runbook = filterService.createFilterQuery().filterName(RUNBOOK_TASKS).singleResult();
        if (mine != null && runbook != null && priority(mine) == -10 && priority(runbook) == 0) {
            setPriority(runbook, RUNBOOK_TASKS_PRIORITY);
            setPriority(mine, MY_TASKS_PRIORITY);
        }
    }

    /** The priority property, or {@code Integer.MIN_VALUE} when it is missing or not a number. */
    private static int priority(Filter filter) {
        Object p = filter.getProperties() == null ? null : filter.getProperties().get("priority");
        return p instanceof Number n ? n.intValue() : Integer.MIN_VALUE;
    }

    private void setPriority(Filter filter, int priority) {
        Map<String, Object> props = new LinkedHashMap<>(filter.getProperties());
        props.put("priority", priority);
        filter.setProperties(props);
        filterService.saveFilter(filter);
    }

    private void create(String name, int priority, String color, String description, TaskQuery query) {
        if (filterService.createFilterQuery().filterName(name).count() > 0) {
            return;
        }
        Filter filter = filterService.newTaskFilter(name);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("priority", priority);
        props.put("color", color);
        props.put("description", description);
        props.put("refresh", true);
        filter.setProperties(props);
        filter.setQuery(query);
        filterService.saveFilter(filter);
    }
}
