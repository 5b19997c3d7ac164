package io.bascule.web;

import io.bascule.process.ProcessKeys;
import jakarta.annotation.PostConstruct;
import org.camunda.bpm.engine.FilterService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.filter.Filter;
import org.camunda.bpm.engine.task.TaskQuery;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Creates the Tasklist filters once (a bare Camunda 7 Tasklist shows no task until a filter exists):
 * the tasks of the logged-in user, the runbook tasks of the {@code dba} group, and all open tasks.
 * Filters a user has deleted or edited are left as they are: only a missing name is created.
 */
@Component
public class TasklistFilters {

    public static final String MY_TASKS = "My tasks";
    public static final String RUNBOOK_TASKS = "Runbook tasks (dba)";
    public static final String ALL_OPEN = "All open tasks";

    private final FilterService filterService;
    private final TaskService taskService;

    public TasklistFilters(FilterService filterService, TaskService taskService) {
        this.filterService = filterService;
        this.taskService = taskService;
    }

    @PostConstruct
    void createMissing() {
        create(MY_TASKS, -10, "#3b82f6", "Tasks assigned to me",
                taskService.createTaskQuery().taskAssigneeExpression("${currentUser()}"));
        create(RUNBOOK_TASKS, 0, "#d97706", "Runbook tasks waiting for a DBA",
                taskService.createTaskQuery().taskCandidateGroup(ProcessKeys.DBA_GROUP).includeAssignedTasks());
        create(ALL_OPEN, 10, "#6b7280", "Every open task", taskService.createTaskQuery());
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
