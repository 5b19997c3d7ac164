package io.bascule.notify;

import io.bascule.config.ConfigException;
import io.bascule.database.JdbcUrls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The e-mail templates: {@code <name>.txt} (plain text, its first line {@code Subject: ...}) and, optionally,
 * {@code <name>.html}, from a templates folder when one is configured and holds them, else from the built-in
 * {@code config/mail/} on the class path. {@code ${placeholder}} is replaced by the value of that name; every value
 * has the URLs in it redacted, and in the HTML part it is HTML-escaped. A placeholder without a value stays as
 * written (visible, never guessed) and is listed in {@link Rendered#missing()}.
 */
public final class MailTemplates {

    static final String CLASSPATH_DIR = "config/mail/";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");

    private final Path dir;

    /** @param dir a folder that may hold templates replacing the built-in ones (null: built-in only) */
    public MailTemplates(Path dir) {
        this.dir = dir;
    }

    /** A rendered message: subject, plain text, HTML (null when the template has no HTML part). */
    public record Rendered(String subject, String text, String html, List<String> missing) {
    }

    public Rendered render(String name, Map<String, ?> values) {
        String text = read(name + ".txt");
        if (text == null) {
            throw new ConfigException("e-mail template " + name + ".txt not found in " + where()
                    + "; add it (first line 'Subject: ...')");
        }
        String html = read(name + ".html");
        text = text.replace("\r\n", "\n");
        if (!text.startsWith("Subject:")) {
            throw new ConfigException("e-mail template " + name + ".txt must start with a line 'Subject: ...'");
        }
        int eol = text.indexOf('\n');
        String subjectLine = (eol < 0 ? text : text.substring(0, eol)).substring("Subject:".length()).strip();
        String body = eol < 0 ? "" : text.substring(eol + 1).replaceFirst("^\\n", "");
        Set<String> missing = new LinkedHashSet<>();
        String subject = substitute(subjectLine, values, false, missing).replaceAll("\\s+", " ");
        String plain = substitute(body, values, false, missing);
        String htmlPart = html == null ? null : substitute(html, values, true, missing);
        return new Rendered(subject, plain, htmlPart, new ArrayList<>(missing));
    }

    static String substitute(String template, Map<String, ?> values, boolean html, Set<String> missing) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            Object value = values.get(key);
            String replacement;
            if (value == null) {
                missing.add(key);
                replacement = m.group();
            } else {
                String shown = JdbcUrls.redactUrlsIn(String.valueOf(value));
                replacement = html ? escapeHtml(shown) : shown;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code & < > " '} as HTML references (Spring's escaping; UTF-8 text needs no other); null as empty. */
    public static String escapeHtml(String s) {
        return s == null ? "" : org.springframework.web.util.HtmlUtils.htmlEscape(s, "UTF-8");
    }

    private String read(String file) {
        try {
            if (dir != null && Files.isRegularFile(dir.resolve(file))) {
                return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
            }
            try (InputStream in = MailTemplates.class.getClassLoader().getResourceAsStream(CLASSPATH_DIR + file)) {
                return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot read e-mail template " + file + " from " + where() + " ("
                    + e.getClass().getSimpleName() + "); check the file and its permissions", e);
        }
    }

    private String where() {
        return dir == null ? "the built-in templates (" + CLASSPATH_DIR + ")" : dir + " or the built-in templates (" + CLASSPATH_DIR + ")";
    }
}
