package io.bascule.surveillance;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The samples of the work directory: {@code <work-dir>/surveillance/samples-YYYY-MM-DD.jsonl}, one file per UTC day,
 * one {@link SampleJson} object per line, appended and closed at each sample (so written through to the file system;
 * not fsync'd: a sample lost in a power cut costs nothing). A line cut short (the process killed while writing) is
 * skipped with a warning when read, and the next append starts on a line of its own. Reading skips a line outside
 * the asked range by its {@code at} prefix without parsing the rest. Files older than {@code samples-kept} are
 * removed by {@link #prune}.
 */
public final class SampleStore {

    private static final Logger log = LoggerFactory.getLogger(SampleStore.class);
    public static final String DIRECTORY = "surveillance";
    private static final Pattern FILE = Pattern.compile("samples-(\\d{4}-\\d{2}-\\d{2})\\.jsonl");
    private static final String AT_PREFIX = "{\"at\":\"";

    private final Path dir;
    private final Duration kept;
    private Path checkedTail;

    /**
     * @param workDir     the work directory; the samples go to its {@value #DIRECTORY} folder (created at the first append)
     * @param samplesKept how long samples are kept ({@code bascule.surveillance.samples-kept})
     */
    public SampleStore(Path workDir, Duration samplesKept) {
        this.dir = workDir.resolve(DIRECTORY);
        this.kept = Objects.requireNonNull(samplesKept);
    }

    public Path directory() {
        return dir;
    }

    /** The file of a UTC day. */
    public Path fileOf(LocalDate day) {
        return dir.resolve("samples-" + day + ".jsonl");
    }

    /** Appends the sample to its day's file. */
    public synchronized void append(Sample sample) {
        Path file = fileOf(LocalDate.ofInstant(sample.at(), ZoneOffset.UTC));
        byte[] line = (SampleJson.toJson(sample) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(dir);
            boolean cutShort = false;
            if (!file.equals(checkedTail) && Files.exists(file)) {
                // a line cut short by a crash stays as it is; the next one starts on a line of its own
                try (FileChannel tail = FileChannel.open(file, StandardOpenOption.READ)) {
                    long size = tail.size();
                    if (size > 0) {
                        ByteBuffer last = ByteBuffer.allocate(1);
                        tail.read(last, size - 1);
                        cutShort = last.get(0) != '\n';
                    }
                }
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buffer = ByteBuffer.wrap(cutShort ? concat((byte) '\n', line) : line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            checkedTail = file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sample to " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] concat(byte first, byte[] rest) {
        byte[] all = new byte[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /**
     * The samples taken from {@code from} (inclusive) to {@code to} (exclusive), in file order (time order), read lazily
     * file by file: close the stream (try-with-resources). Either bound may be null (open).
     */
    public Stream<Sample> read(Instant from, Instant to) {
        LocalDate first = from == null ? LocalDate.MIN : LocalDate.ofInstant(from, ZoneOffset.UTC);
        LocalDate last = to == null ? LocalDate.MAX : LocalDate.ofInstant(to, ZoneOffset.UTC);
        Predicate<Instant> inRange = at -> (from == null || !at.isBefore(from)) && (to == null || at.isBefore(to));
        return days().stream().filter(d -> !d.isBefore(first) && !d.isAfter(last))
                .flatMap(d -> lines(fileOf(d), inRange));
    }

    /** {@link #read} into a list. */
    public List<Sample> list(Instant from, Instant to) {
        try (Stream<Sample> samples = read(from, to)) {
            return samples.toList();
        }
    }

    /** The days that have a file, oldest first. */
    public List<LocalDate> days() {
        List<LocalDate> days = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return days;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                Matcher m = FILE.matcher(f.getFileName().toString());
                if (m.matches()) {
                    try {
                        days.add(LocalDate.parse(m.group(1)));
                    } catch (DateTimeParseException ignored) {
                        // not one of ours
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the samples in " + dir + ": " + e.getMessage(), e);
        }
        days.sort(null);
        return days;
    }

    /** Removes the files of the days that ended more than {@code samples-kept} before {@code now}; returns how many. */
    public synchronized int prune(Instant now) {
        LocalDate oldestKept = LocalDate.ofInstant(now.minus(kept), ZoneOffset.UTC);
        int removed = 0;
        for (LocalDate day : days()) {
            if (day.isBefore(oldestKept)) {
                try {
                    if (Files.deleteIfExists(fileOf(day))) {
                        removed++;
                    }
                } catch (IOException e) {
                    log.warn("cannot remove the old samples {}: {}", fileOf(day), e.getMessage());
                }
            }
        }
        if (removed > 0) {
            log.info("removed {} day file(s) of samples older than {} from {}", removed, kept, dir);
        }
        return removed;
    }

    private static Stream<Sample> lines(Path file, Predicate<Instant> inRange) {
        BufferedReader reader;
        try {
            reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Stream.empty();   // pruned meanwhile
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the samples in " + file + ": " + e.getMessage(), e);
        }
        int[] skipped = {0};
        return reader.lines().map(line -> {
            if (line.isBlank()) {
                return null;
            }
            Instant at = atOf(line);
            if (at != null && !inRange.test(at)) {
                return null;
            }
            try {
                Sample s = SampleJson.fromJson(line);
                return s.at() != null && inRange.test(s.at()) ? s : null;
            } catch (UncheckedIOException e) {
                skipped[0]++;
                return null;
            }
        }).filter(Objects::nonNull).onClose(() -> {
            try {
                reader.close();
            } catch (IOException ignored) {
                // read only
            }
            if (skipped[0] > 0) {
                log.warn("skipped {} unreadable line(s) in {} (a line cut short when the process was stopped while"
                        + " writing)", skipped[0], file);
            }
        });
    }

    /** The {@code at} of a line as written ({@code {"at":"2026-...Z",...}}), or null to parse it whole. */
    private static Instant atOf(String line) {
        if (!line.startsWith(AT_PREFIX)) {
            return null;
        }
        int end = line.indexOf('"', AT_PREFIX.length());
        if (end < 0) {
            return null;
        }
        try {
            return Instant.parse(line.substring(AT_PREFIX.length(), end));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
