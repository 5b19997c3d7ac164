package io.bascule.cutover;

/**
 * One line of a cutover phase's result, as the console view prints it: a check that passed, a warning that does not
 * stop the cutover, or a failure that does (before GO a NO-GO, after it the way to the rollback).
 */
public record CheckLine(Status status, String text) {

    public enum Status {
        OK("✅"), WARNING("⚠️"), FAILED("❌");

        private final String mark;

        Status(String mark) {
            this.mark = mark;
        }

        public String mark() {
            return mark;
        }
    }

    public static CheckLine ok(String text) {
        return new CheckLine(Status.OK, text);
    }

    public static CheckLine warning(String text) {
        return new CheckLine(Status.WARNING, text);
    }

    public static CheckLine failed(String text) {
        return new CheckLine(Status.FAILED, text);
    }

    public boolean failed() {
        return status == Status.FAILED;
    }

    /** {@code ✅ text}, {@code ⚠️ text} or {@code ❌ text}. */
    public String render() {
        return status.mark() + " " + text;
    }

    @Override
    public String toString() {
        return render();
    }
}
