package io.bascule.cutover;

import java.util.List;

/**
 * A cutover phase that cannot pass (a stale GOLD certificate, a missing privilege, rows that still differ after the
 * final delta): a business outcome the cutover routes (before GO a NO-GO with nothing changed, after GO the rollback),
 * not a technical fault. The message names what is wrong and where; {@link #lines()} holds the phase's check lines.
 */
public class CutoverPhaseException extends RuntimeException {

    private final List<CheckLine> lines;

    public CutoverPhaseException(String message, List<CheckLine> lines) {
        super(message);
        this.lines = lines == null ? List.of() : List.copyOf(lines);
    }

    public CutoverPhaseException(String message) {
        this(message, List.of());
    }

    public List<CheckLine> lines() {
        return lines;
    }
}
