package io.bascule.surveillance;

/**
 * An emergency action refused before anything was changed: bad input (an unknown table, an impact outside 0..100, no
 * decider), or a proposal that is not one {@link EmergencyActions} made. The message names what is wrong and how to
 * fix it. Refusals of approved actions are recorded like the actions ({@code actions.jsonl}).
 */
public class EmergencyActionRefused extends RuntimeException {

    public EmergencyActionRefused(String message) {
        super(message);
    }
}
