package io.bascule.appswitch;

import java.nio.file.Path;

/**
 * The application's config file is no longer what Bascule wrote at the switch: someone changed it by hand. Bascule
 * does not overwrite it; the rollback shows {@link #diff()} in a decision task and, if the decision is to restore
 * anyway, calls {@link AppSwitch#restoreAnyway()}.
 */
public class AppConfigChangedException extends AppSwitchException {

    private final Path file;
    private final String diff;

    AppConfigChangedException(Path file, String diff) {
        super("the application's config file " + file + " was changed since Bascule switched it (not overwritten);"
                + " what changed, secrets redacted:\n" + diff
                + "\ndecide: restore the original anyway (the edited file is kept in the work directory), or put the"
                + " change right by hand");
        this.file = file;
        this.diff = diff;
    }

    public Path file() {
        return file;
    }

    /** A unified diff from what Bascule wrote to what the file holds now, secrets redacted. */
    public String diff() {
        return diff;
    }
}
