package io.bascule.process;

import io.bascule.config.BasculeProperties;
import io.bascule.config.Secrets;
import io.bascule.config.SettingsResolver;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The check a step makes before it acts: its run's settings must be this node's. */
class RunOwnershipTest {

    private static RunOwnership node(String command, String targetSchema) {
        Map<String, String> s = new HashMap<>(Map.of("bascule.work-dir", "/srv/w", "bascule.source.url", "jdbc:mysql://db1/shop",
                "bascule.target.url", "jdbc:postgresql://pg1/shop", "bascule.target.schema", targetSchema));
        BasculeProperties p = SettingsResolver.bind(s, null);
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("runNode", new RunOwnership.Node(command));
        return new RunOwnership(p, new Secrets(name -> null), beans.getBeanProvider(RunOwnership.Node.class),
                beans.getBeanProvider(org.camunda.bpm.engine.ProcessEngine.class));
    }

    private static DelegateExecution executionOf(Map<String, Object> runVariables) {
        DelegateExecution execution = mock(DelegateExecution.class);
        DelegateExecution instance = mock(DelegateExecution.class);
        when(execution.getProcessInstanceId()).thenReturn("pi-1");
        when(execution.getProcessInstance()).thenReturn(instance);
        when(execution.getVariable(anyString())).thenAnswer(a -> runVariables.get(a.<String>getArgument(0)));
        return execution;
    }

    @Test
    void aStepOfARunWithOtherSettingsIsRefusedNamingTheOwnerAndTheDifference() {
        RunOwner serve = node("serve", "public").self();
        DelegateExecution execution = executionOf(serve.variables());
        RunOwnership migrate = node("migrate", "sales");
        assertThatThrownBy(() -> migrate.checkOwner(execution))
                .isInstanceOf(RunOwnership.ForeignRunException.class)
                .hasMessageContaining("belongs to the run of serve (pid " + ProcessHandle.current().pid())
                .hasMessageContaining("target schema: 'sales' here, 'public' in the run");
        verify(execution.getProcessInstance(), never()).setVariables(anyMap());
    }

    @Test
    void aStepOfItsOwnRunGoesOn() {
        RunOwnership serve = node("serve", "public");
        DelegateExecution execution = executionOf(serve.self().variables());
        serve.checkOwner(execution);
        verify(execution.getProcessInstance(), never()).setVariables(anyMap());
    }

    @Test
    void aRunWithoutOwnerBecomesThisNodes() {
        RunOwnership serve = node("serve", "public");
        DelegateExecution execution = executionOf(Map.of());
        serve.checkOwner(execution);
        verify(execution.getProcessInstance()).setVariables(serve.self().variables());
    }

    @Test
    void anotherProcessWithTheSameSettingsTakesTheRunOverAndTheHistoryKeepsTheFormerOwner() {
        RunOwnership serve = node("serve", "public");
        Map<String, Object> cli = new HashMap<>(serve.self().variables());
        cli.put(ProcessVariables.OWNER_PID, 1L);
        cli.put(ProcessVariables.OWNER_COMMAND, "migrate");
        DelegateExecution execution = executionOf(cli);
        serve.checkOwner(execution);
        Map<String, Object> expected = new HashMap<>(serve.self().variables());
        expected.put(ProcessVariables.OWNER_BEFORE, RunOwner.fromVariables(cli::get).describe());
        verify(execution.getProcessInstance()).setVariables(expected);
        assertThat(expected.get(ProcessVariables.OWNER_BEFORE).toString()).startsWith("migrate (pid 1 on host");
    }
}
