package io.bascule.report;

import io.bascule.config.ConfigException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cutover playbook's execution checklist, as data ({@code config/cutover-checklist.yml}): sections (pre-cutover,
 * cutover, immediate validation, H+1, post-cutover, PLATINUM), each with items that name the process variable that
 * ticks them. {@link #evaluate} ticks each item from a run's variables and the history of when and by whom they were
 * set; an item not done says what is still missing. No BPMN id is named here: the model's steps set the variables.
 *
 * <p>YAML shape: {@code sections: [{name, items: [{text, done-when, equals?, by?, at?, missing?}]}]}:
 * <ul>
 *   <li>{@code done-when}: the variable that must be set, not false and not empty (with {@code equals}: exactly
 *   that value, compared as text);</li>
 *   <li>{@code by}, {@code at}: variables holding who did it and when (an ISO-8601 instant); when absent or not set,
 *   the history tells (who completed the task that gave the value, when it was set, which step);</li>
 *   <li>{@code missing}: what an open item still waits for, in words.</li>
 * </ul>
 */
public final class CutoverChecklist {

    /** The built-in checklist on the class path (the {@code config/} folder is a resource folder). */
    public static final String RESOURCE = "config/cutover-checklist.yml";

    private static final Set<String> ROOT_KEYS = Set.of("sections");
    private static final Set<String> SECTION_KEYS = Set.of("name", "items");
    private static final Set<String> ITEM_KEYS = Set.of("text", "done-when", "equals", "by", "at", "missing");

    /** One item: its text, the variable that ticks it, and optionally its value, who/when variables, what is missing. */
    public record Item(String text, String doneWhen, String equals, String by, String at, String missing) {
    }

    public record Section(String name, List<Item> items) {
        public Section {
            items = List.copyOf(items);
        }
    }

    /**
     * An item as a run left it: done or not; who and when (null when unknown), the step that set its variable; or,
     * for an open item, what is still missing (one line).
     */
    public record Result(String section, Item item, boolean done, String by, String at, String step, String missing) {

        /** One line: "by alice at 2026-12-01 16:00:00.000 UTC (Confirm the war room)" or "still missing: ...". */
        public String detail() {
            if (!done) {
                return "still missing: " + missing;
            }
            StringBuilder d = new StringBuilder();
            if (by != null) {
                d.append("by ").append(by);
            }
            if (at != null) {
                d.append(d.length() > 0 ? " " : "").append("at ").append(at);
            }
            if (step != null) {
                d.append(d.length() > 0 ? " " : "").append("(").append(step).append(")");
            }
            return d.length() == 0 ? "done" : d.toString();
        }
    }

    private final List<Section> sections;
    private final String source;

    public CutoverChecklist(List<Section> sections, String source) {
        this.sections = List.copyOf(sections);
        this.source = source;
    }

    public List<Section> sections() {
        return sections;
    }

    /** Where the checklist was read from (for messages). */
    public String source() {
        return source;
    }

    /** Every variable the checklist reads ({@code done-when}, {@code by}, {@code at}), in order, once each. */
    public List<String> variables() {
        Set<String> names = new LinkedHashSet<>();
        for (Section s : sections) {
            for (Item i : s.items()) {
                names.add(i.doneWhen());
                if (i.by() != null) {
                    names.add(i.by());
                }
                if (i.at() != null) {
                    names.add(i.at());
                }
            }
        }
        return List.copyOf(names);
    }

    /** The built-in checklist ({@value #RESOURCE} on the class path). */
    public static CutoverChecklist builtIn() {
        try (InputStream in = CutoverChecklist.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the built-in checklist " + RESOURCE + " is not on the class path:"
                        + " the build must copy config/ into the jar (pom.xml, resources)");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "the built-in " + RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in checklist " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** A checklist file of the same shape (a configurable override is for later). */
    public static CutoverChecklist read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new ConfigException("cannot read the checklist " + file + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); check the path and its permissions", e);
        }
    }

    /** Reads the YAML; anything not of the shape is a {@link ConfigException} naming the section, item and key. */
    public static CutoverChecklist parse(String yaml, String where) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (YAMLException e) {
            throw new ConfigException("the checklist " + where + " is not valid YAML: " + e.getMessage().replaceAll("\\s+", " "));
        }
        Map<?, ?> top = map(root, where, "the file");
        keys(top, ROOT_KEYS, where, "the file");
        List<?> sectionList = list(top.get("sections"), where, "sections");
        List<Section> sections = new ArrayList<>();
        for (int s = 0; s < sectionList.size(); s++) {
            String at = "sections[" + s + "]";
            Map<?, ?> section = map(sectionList.get(s), where, at);
            keys(section, SECTION_KEYS, where, at);
            String name = text(section, "name", true, where, at);
            List<?> itemList = list(section.get("items"), where, at + ".items (" + name + ")");
            List<Item> items = new ArrayList<>();
            for (int i = 0; i < itemList.size(); i++) {
                String itemAt = at + ".items[" + i + "] (" + name + ")";
                Map<?, ?> item = map(itemList.get(i), where, itemAt);
                keys(item, ITEM_KEYS, where, itemAt);
                items.add(new Item(text(item, "text", true, where, itemAt), text(item, "done-when", true, where, itemAt),
                        text(item, "equals", false, where, itemAt), text(item, "by", false, where, itemAt),
                        text(item, "at", false, where, itemAt), text(item, "missing", false, where, itemAt)));
            }
            sections.add(new Section(name, items));
        }
        return new CutoverChecklist(sections, where);
    }

    /**
     * Ticks every item: from {@code values} (the run's variables, by name) and {@code history} (when and by whom each
     * was last set; empty without an engine). Who and when prefer the item's {@code by}/{@code at} variables.
     */
    public List<Result> evaluate(Map<String, ?> values, Map<String, AuditTrail.VariableSet> history) {
        Map<String, ?> v = values == null ? Map.of() : values;
        Map<String, AuditTrail.VariableSet> h = history == null ? Map.of() : history;
        List<Result> results = new ArrayList<>();
        for (Section s : sections) {
            for (Item item : s.items()) {
                Object value = v.get(item.doneWhen());
                if (value == null && h.containsKey(item.doneWhen())) {
                    value = h.get(item.doneWhen()).value();
                }
                String why = openBecause(item, value);
                if (why != null) {
                    results.add(new Result(s.name(), item, false, null, null, null, why));
                    continue;
                }
                AuditTrail.VariableSet set = h.get(item.doneWhen());
                String by = item.by() == null ? null : text(v.get(item.by()));
                if (by == null && item.by() != null && h.containsKey(item.by())) {
                    by = text(h.get(item.by()).value());
                }
                if (by == null && set != null) {
                    by = set.user();
                }
                String at = item.at() == null ? null : time(v.get(item.at()));
                if (at == null && item.at() != null && h.containsKey(item.at())) {
                    at = time(h.get(item.at()).value());
                }
                if (at == null && set != null) {
                    at = time(set.time());
                }
                results.add(new Result(s.name(), item, true, by, at, set == null ? null : set.step(), null));
            }
        }
        return results;
    }

    /** The results as the report's checklist groups, in the checklist's order. */
    public static List<ReportFacts.CheckGroup> groups(List<Result> results) {
        java.util.LinkedHashMap<String, List<ReportFacts.Check>> groups = new java.util.LinkedHashMap<>();
        for (Result r : results) {
            groups.computeIfAbsent(r.section(), k -> new ArrayList<>()).add(new ReportFacts.Check(r.done(), r.item().text(), r.detail()));
        }
        return groups.entrySet().stream().map(e -> new ReportFacts.CheckGroup(e.getKey(), e.getValue())).toList();
    }

    /** Null when the value ticks the item; otherwise what is still missing. */
    private static String openBecause(Item item, Object value) {
        String missing = item.missing() != null ? item.missing() : "the variable " + item.doneWhen();
        if (value == null) {
            return missing;
        }
        Object shown = AuditTrail.value(item.doneWhen(), value);
        if (item.equals() != null) {
            return item.equals().equals(String.valueOf(value)) ? null
                    : missing + " (" + item.doneWhen() + " is " + shown + ", not " + item.equals() + ")";
        }
        if (Boolean.FALSE.equals(value)) {
            return missing + " (" + item.doneWhen() + " is false)";
        }
        if (value instanceof String str && str.isBlank() || value instanceof Collection<?> c && c.isEmpty()) {
            return missing + " (" + item.doneWhen() + " is empty)";
        }
        return null;
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String s = String.valueOf(value).strip();
        return s.isEmpty() ? null : s;
    }

    /** An ISO-8601 instant (or a date) as the reports write times; any other text as it is. */
    static String time(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return ReportDocuments.time(i);
        }
        if (value instanceof java.util.Date d) {
            return ReportDocuments.time(d.toInstant());
        }
        String s = String.valueOf(value).strip();
        if (s.isEmpty()) {
            return null;
        }
        try {
            return ReportDocuments.time(Instant.parse(s));
        } catch (DateTimeParseException e) {
            return s;
        }
    }

    // ---------------------------------------------------------------------------------------------- YAML shape

    private static Map<?, ?> map(Object o, String where, String at) {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new ConfigException("the checklist " + where + ": " + at + " must be a mapping (key: value), not "
                + (o == null ? "empty" : o.getClass().getSimpleName()));
    }

    private static List<?> list(Object o, String where, String at) {
        if (o instanceof List<?> l) {
            return l;
        }
        throw new ConfigException("the checklist " + where + ": " + at + " must be a list (- ...)"
                + (o == null ? ", and is missing" : ", not " + o.getClass().getSimpleName()));
    }

    private static void keys(Map<?, ?> m, Set<String> allowed, String where, String at) {
        for (Object k : m.keySet()) {
            if (!allowed.contains(String.valueOf(k))) {
                throw new ConfigException("the checklist " + where + ": " + at + " has an unknown key '" + k
                        + "'; the keys are " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private static String text(Map<?, ?> m, String key, boolean required, String where, String at) {
        Object o = m.get(key);
        if (o == null || String.valueOf(o).isBlank()) {
            if (required) {
                throw new ConfigException("the checklist " + where + ": " + at + " has no '" + key + "'; give it one");
            }
            return null;
        }
        if (o instanceof Map || o instanceof List) {
            throw new ConfigException("the checklist " + where + ": " + at + "." + key + " must be a text");
        }
        return String.valueOf(o).strip();
    }
}
