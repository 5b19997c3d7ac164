package io.bascule.process;

import io.bascule.config.BasculeProperties;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Optional;

/**
 * The server-side check of the cutover's GO task ("Phase 2: Set MySQL read-only"), a task listener on
 * {@code complete}: the form's pattern {@code ^GO$} is checked by the browser only, so a completion over REST, the
 * Java API or an old form is checked again here. Anything but exactly {@code GO} in {@code goWord} is refused; with
 * {@code fourEyes} the user who started the cutover (its {@code initiator}) may not give the GO, nor may nobody
 * (a completion without a signed-in user). A refusal throws {@link GoRefusedException}: the engine's transaction
 * rolls back, the task stays open and nothing (not even the word typed) is stored. The engine hands it to the caller
 * of {@code complete} wrapped ({@code ENGINE-03051 There was an exception while invoking the TaskListener ...}), the
 * refusal as its cause: {@link #refusal(Throwable)} finds its message; over REST io.bascule.web.GoRefusalResponses
 * answers it 400 (the word) or 403 (four-eyes) instead of 500. An accepted GO records {@code goBy} and
 * {@code goAt} on the process instance.
 * <p>Four-eyes applies when the run's variable {@code fourEyes} is true (the CLI passes the configured value) or when
 * {@code bascule.cutover.four-eyes} is set: a cutover started from Tasklist or over REST carries no such variable (the
 * model's start listener defaults it to false), and the configured policy must hold for it too.
 */
@Component("goWordListener")
public class GoWordListener implements TaskListener {

    /** The only word that gives the GO. */
    public static final String GO = "GO";
    /** Who {@code goBy} names when no user is signed in (the engine's API used without authentication). */
    static final String NO_USER = "cli";

    /** The GO was refused: the task stays open, nothing was changed. */
    public static class GoRefusedException extends ProcessEngineException {
        private final boolean fourEyes;

        public GoRefusedException(String message) {
            this(message, false);
        }

        GoRefusedException(String message, boolean fourEyes) {
            super(message);
            this.fourEyes = fourEyes;
        }

        /** Refused by four-eyes (who gave it), not by the word: REST answers 403 rather than 400. */
        public boolean fourEyes() {
            return fourEyes;
        }
    }

    /** Four-eyes by configuration ({@code bascule.cutover.four-eyes}), whatever the run's variable says. */
    private final boolean fourEyesConfigured;

    /** Without a configuration (a process test): four-eyes only from the run's variable {@code fourEyes}. */
    public GoWordListener() {
        this.fourEyesConfigured = false;
    }

    @Autowired
    public GoWordListener(BasculeProperties properties) {
        this.fourEyesConfigured = properties.cutover() != null && properties.cutover().fourEyes();
    }

    /** The message of the GO refusal that caused {@code thrown} (a completion of the GO task), if one did. */
    public static Optional<String> refusal(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof GoRefusedException) {
                return Optional.of(t.getMessage());
            }
        }
        return Optional.empty();
    }

    @Override
    public void notify(DelegateTask task) {
        if (!EVENTNAME_COMPLETE.equals(task.getEventName())) {
            return;
        }
        Object word = task.getVariable(ProcessVariables.GO_WORD);
        if (!GO.equals(word)) {
            throw new GoRefusedException("the GO word was not given: type GO exactly to set MySQL read-only; nothing was changed");
        }
        String user = currentUser(task);
        if (fourEyesConfigured || Boolean.TRUE.equals(task.getVariable(ProcessVariables.FOUR_EYES))) {
            Object initiator = task.getVariable(ProcessVariables.INITIATOR);
            if (user == null) {
                throw new GoRefusedException("four-eyes: the GO was given by no signed-in user; another DBA than "
                        + (initiator == null ? "the one who started this cutover" : initiator)
                        + " must sign in and give the GO; nothing was changed", true);
            }
            if (user.equals(initiator)) {
                throw new GoRefusedException("four-eyes: " + user + " started this cutover, another DBA must give the GO", true);
            }
        }
        var instance = task.getExecution().getProcessInstance();
        instance.setVariable(ProcessVariables.GO_BY, user == null ? NO_USER : user);
        instance.setVariable(ProcessVariables.GO_AT, Instant.now().toString());
    }

    private static String currentUser(DelegateTask task) {
        // the IdentityService's (public) answer; its type lives in the engine's impl package, so it is not named here
        var auth = task.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
        return auth == null ? null : auth.getUserId();
    }
}
