package io.bascule.notify;

import java.nio.file.Path;
import java.util.List;

/**
 * What became of one message: sent through SMTP, or written as an {@code .eml} file (no SMTP configured, or the
 * send failed: then {@code problem} says why and the file holds the message, to be sent by hand).
 *
 * @param recipients the To and Cc addresses
 * @param file       the {@code .eml} file, or null when sent
 * @param problem    why the message was not sent (null when sent or when no SMTP is configured), or what is
 *                   missing in it (placeholders without a value, an attachment not found)
 */
public record MailDelivery(Outcome outcome, String subject, List<String> recipients, Path file, String problem) {

    public enum Outcome {
        /** handed to the SMTP server */
        SENT,
        /** no SMTP configured: written as an .eml file */
        WRITTEN,
        /** the SMTP send failed: written as an .eml file instead */
        KEPT_UNSENT,
        /** neither sent nor written (the disk refused the file too): the log holds the text */
        FAILED
    }

    public boolean sent() {
        return outcome == Outcome.SENT;
    }

    /** One line for the log, the process variables and the CLI. */
    public String summary() {
        String to = recipients.isEmpty() ? "no recipients" : String.join(", ", recipients);
        return switch (outcome) {
            case SENT -> "e-mail '" + subject + "' sent to " + to + (problem == null ? "" : " (" + problem + ")");
            case WRITTEN -> "e-mail '" + subject + "' for " + to + " written to " + file + " (no SMTP server configured)"
                    + (problem == null ? "" : " (" + problem + ")");
            case KEPT_UNSENT -> "e-mail '" + subject + "' NOT sent to " + to + " (" + problem + "); kept in " + file
                    + ": send it by hand";
            case FAILED -> "e-mail '" + subject + "' NOT sent to " + to + " and not written (" + problem
                    + "); its text is in the log";
        };
    }
}
