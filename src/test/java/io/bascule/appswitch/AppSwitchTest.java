package io.bascule.appswitch;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bascule.appswitch.AppSwitchResult.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AppSwitchTest {

    static final String OLD_SECRET = "0ldS3cr3t";
    static final String NEW_SECRET = "n3wS3cr3t";
    static final String OLD_URL = "mysql://app:" + OLD_SECRET + "@127.0.0.1:3306/akig_legacy";
    static final String NEW_URL = "postgres://app:" + NEW_SECRET + "@127.0.0.1:5432/akig_immobilier";

    @TempDir
    Path dir;
    Path work;
    Path app;
    ListAppender<ILoggingEvent> logs;
    final List<String> messages = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        work = dir.resolve("work");
        app = Files.createDirectories(dir.resolve("app"));
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger("io.bascule.appswitch")).addAppender(logs);
    }

    @AfterEach
    void noSecretAnywhere() throws IOException {
        ((Logger) LoggerFactory.getLogger("io.bascule.appswitch")).detachAppender(logs);
        List<String> seen = new ArrayList<>(messages);
        logs.list.forEach(e -> seen.add(e.getFormattedMessage()));
        if (Files.exists(work)) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                    seen.add(Files.readString(f));
                }
            }
        }
        for (String s : seen) {
            assertThat(s).doesNotContain(OLD_SECRET).doesNotContain(NEW_SECRET);
        }
    }

    private Path write(String name, String content) throws IOException {
        return Files.write(app.resolve(name), content.getBytes(StandardCharsets.UTF_8));
    }

    private AppSwitch appSwitch(Path file) {
        return new AppSwitch(file, "DATABASE_URL", work);
    }

    private AppSwitchResult seen(AppSwitchResult r) {
        messages.add(r.toString());
        return r;
    }

    private <T extends Throwable> T seen(T e) {
        messages.add(e.getMessage());
        return e;
    }

    static final String SAMPLE = """
            # Backend configuration\r
            NODE_ENV=production\r
            \r
            # the database, switched by Bascule\r
            DATABASE_URL=%s\r
            GREETING="Grüß dich ☕ # not a comment"\r
            JWT_SECRET='abc#def'\r
            export PORT=3000\r
            """.formatted(OLD_URL);

    @Test
    void roundTripOfACrlfFileKeepsEveryOtherByteAndRestoresItByteForByte() throws IOException {
        Path env = write(".env", SAMPLE);
        byte[] original = Files.readAllBytes(env);
        AppSwitch s = appSwitch(env);

        AppSwitchResult r = seen(s.switchTo(NEW_URL));

        assertThat(r.outcome()).isEqualTo(Outcome.SWITCHED);
        assertThat(r.line()).isEqualTo(5);
        assertThat(r.fromValue()).isEqualTo("mysql://***@127.0.0.1:3306/akig_legacy");
        assertThat(r.toValue()).isEqualTo("postgres://***@127.0.0.1:5432/akig_immobilier");
        assertThat(Files.readString(env)).isEqualTo(SAMPLE.replace(OLD_URL, NEW_URL));
        assertThat(r.diff()).contains("-DATABASE_URL=mysql://***@127.0.0.1:3306/akig_legacy")
                .contains("+DATABASE_URL=postgres://***@127.0.0.1:5432/akig_immobilier");
        assertThat(Files.readAllBytes(s.stateDirectory().resolve("original"))).isEqualTo(original);
        SwitchRecord record = s.record().orElseThrow();
        assertThat(record.status()).isEqualTo("SWITCHED");
        assertThat(record.originalSha256()).isEqualTo(AppSwitch.sha256(original));
        assertThat(record.writtenSha256()).isEqualTo(AppSwitch.sha256(Files.readAllBytes(env)));
        assertThat(record.oldValue()).isEqualTo("mysql://***@127.0.0.1:3306/akig_legacy");

        AppSwitchResult back = seen(s.restore());

        assertThat(back.outcome()).isEqualTo(Outcome.RESTORED);
        assertThat(Files.readAllBytes(env)).isEqualTo(original);
        assertThat(s.record().orElseThrow().status()).isEqualTo("RESTORED");
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).startsWith("switched DATABASE_URL in " + env.toAbsolutePath()).contains("mysql://***@"))
                .anySatisfy(m -> assertThat(m).startsWith("restored: "));
        AppSwitchResult again = seen(s.restore());
        assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_RESTORED);
        assertThat(again.message()).contains("already is the original");
        assertThat(Files.readAllBytes(env)).isEqualTo(original);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {
            "unquoted            | DATABASE_URL=OLD                    | DATABASE_URL=NEW",
            "double quotes       | DATABASE_URL=\"OLD\"                | DATABASE_URL=\"NEW\"",
            "single quotes       | DATABASE_URL='OLD'                  | DATABASE_URL='NEW'",
            "backticks           | DATABASE_URL=`OLD`                  | DATABASE_URL=`NEW`",
            "export              | export DATABASE_URL=OLD             | export DATABASE_URL=NEW",
            "spaces around =     | ^  DATABASE_URL = 'OLD'  # main db^ | ^  DATABASE_URL = 'NEW'  # main db^",
            "inline comment      | DATABASE_URL=OLD # the legacy one   | DATABASE_URL=NEW # the legacy one",
            "hash in the value   | DATABASE_URL=OLD#frag # comment     | DATABASE_URL=NEW # comment",
            "empty value         | DATABASE_URL=                       | DATABASE_URL=NEW",
            "tab, no final EOL   | ^DATABASE_URL=\t\"OLD\"^            | ^DATABASE_URL=\t\"NEW\"^",
    })
    void eachQuotingStyleIsKeptAndRestored(String style, String before, String after) throws IOException {
        String eol = style.contains("no final EOL") ? "" : "\n";
        String content = "A=1\n# DATABASE_URL=commented out\n" + before.replace("OLD", OLD_URL) + eol;
        Path env = write(".env", content);
        AppSwitch s = appSwitch(env);

        seen(s.switchTo(NEW_URL));

        String expected = "A=1\n# DATABASE_URL=commented out\n"
                + after.replace("NEW", NEW_URL) + eol;
        assertThat(Files.readString(env)).isEqualTo(expected);
        seen(s.restore());
        assertThat(Files.readString(env)).isEqualTo(content);
    }

    @Test
    void unicodeValueIsWrittenInUtf8AndOtherLinesKeepTheirBytes() throws IOException {
        String content = "TITLE=Gestion immobilière ✓\nDATABASE_URL=\"" + OLD_URL + "\"\n";
        Path env = write("backend.env", content);
        String unicodeUrl = "postgres://app@h\u00f4te.example/imm\u00f6bilier";

        seen(appSwitch(env).switchTo(unicodeUrl));

        assertThat(Files.readString(env, StandardCharsets.UTF_8))
                .isEqualTo("TITLE=Gestion immobilière ✓\nDATABASE_URL=\"" + unicodeUrl + "\"\n");
    }

    @Test
    void aByteOrderMarkAColonSeparatorAndASymbolicLinkAreKept() throws IOException {
        Path real = Files.createDirectories(dir.resolve("etc")).resolve("akig.env");
        String content = "\uFEFFDATABASE_URL: " + OLD_URL + "\nA=1\n";
        Files.writeString(real, content);
        Path link = Files.createSymbolicLink(app.resolve(".env"), real);
        AppSwitch s = appSwitch(link);

        assertThat(seen(s.switchTo(NEW_URL)).line()).isEqualTo(1);

        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("\uFEFFDATABASE_URL: " + NEW_URL + "\nA=1\n");
        seen(s.restore());
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo(content);
        assertThat(listing(app)).containsExactly(".env");
        assertThat(listing(real.getParent())).containsExactly("akig.env");
    }

    @Test
    void aKeyNamedLikeASecretIsShownAsStars() throws IOException {
        Path env = write(".env", "DB_PASSWORD=" + OLD_SECRET + "\n");

        AppSwitchResult r = seen(new AppSwitch(env, "DB_PASSWORD", work).switchTo(NEW_SECRET));

        assertThat(r.fromValue()).isEqualTo("***");
        assertThat(r.toValue()).isEqualTo("***");
        assertThat(r.diff()).contains("-DB_PASSWORD=***").contains("+DB_PASSWORD=***");
    }

    @Test
    void aQuotedMultiLineValueOfAnotherKeyIsSkipped() throws IOException {
        String content = "CERT=\"-----BEGIN-----\nDATABASE_URL=inside the certificate\n-----END-----\"\nDATABASE_URL=" + OLD_URL + "\n";
        Path env = write(".env", content);

        AppSwitchResult r = seen(appSwitch(env).switchTo(NEW_URL));

        assertThat(r.line()).isEqualTo(4);
        assertThat(Files.readString(env)).isEqualTo(content.replace("DATABASE_URL=" + OLD_URL, "DATABASE_URL=" + NEW_URL));
    }

    @Test
    void theWriteIsAtomicLeavesNoTemporaryFileAndKeepsPermissions() throws IOException {
        Path env = write(".env", "DATABASE_URL=" + OLD_URL + "\n");
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-r-----"));
        AppSwitch s = appSwitch(env);

        seen(s.switchTo(NEW_URL));

        assertThat(Files.getPosixFilePermissions(env)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        assertThat(listing(app)).containsExactly(".env");
        assertThat(listing(s.stateDirectory())).containsExactlyInAnyOrder("original", "written", "switch.json");
        assertThat(Files.getPosixFilePermissions(s.stateDirectory().resolve("original")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(s.stateDirectory()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));

        seen(s.restore());

        assertThat(Files.getPosixFilePermissions(env)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        assertThat(listing(app)).containsExactly(".env");
    }

    @Test
    void missingKeyDuplicateKeyAndMissingFileAreClearErrorsAndChangeNothing() throws IOException {
        Path noKey = write("nokey.env", "OTHER=" + OLD_URL + "\n");
        Path twice = write("twice.env", "DATABASE_URL=" + OLD_URL + "\nexport DATABASE_URL=" + OLD_URL + "\n");
        byte[] noKeyBytes = Files.readAllBytes(noKey);
        byte[] twiceBytes = Files.readAllBytes(twice);

        assertThat(seen(catchThrowableOfType(() -> appSwitch(noKey).switchTo(NEW_URL), AppSwitchException.class)))
                .hasMessageContaining("the key DATABASE_URL is not in " + noKey)
                .hasMessageContaining("bascule.app.env-key");
        assertThat(seen(catchThrowableOfType(() -> appSwitch(twice).switchTo(NEW_URL), AppSwitchException.class)))
                .hasMessageContaining("is set 2 times").hasMessageContaining("lines 1, 2");
        Path missing = app.resolve("missing.env");
        assertThat(seen(catchThrowableOfType(() -> appSwitch(missing).switchTo(NEW_URL), AppSwitchException.class)))
                .hasMessageContaining(missing + " does not exist").hasMessageContaining("--app-env-file");
        assertThat(seen(catchThrowableOfType(() -> appSwitch(missing).restore(), AppSwitchException.class)))
                .hasMessageContaining("nothing to restore");
        assertThat(seen(catchThrowableOfType(() -> appSwitch(noKey).switchTo(" "), AppSwitchException.class)))
                .hasMessageContaining("--app-target-url");

        assertThat(Files.readAllBytes(noKey)).isEqualTo(noKeyBytes);
        assertThat(Files.readAllBytes(twice)).isEqualTo(twiceBytes);
        assertThat(Files.exists(missing)).isFalse();
        assertThat(Files.exists(work)).isFalse();
        assertThat(listing(app)).containsExactlyInAnyOrder("nokey.env", "twice.env");
    }

    @Test
    void aFileThatCannotBeWrittenIsAClearErrorAndUnchanged() throws IOException {
        Path env = write(".env", "DATABASE_URL=" + OLD_URL + "\n");
        byte[] before = Files.readAllBytes(env);
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("r-x------"));
        try {
            if (Files.isWritable(app)) {
                return; // running as root: permissions do not stop writes, nothing to test
            }
            assertThat(seen(catchThrowableOfType(() -> appSwitch(env).switchTo(NEW_URL), AppSwitchException.class)))
                    .hasMessageContaining("directory " + app + " is not writable");
        } finally {
            Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwx------"));
        }
        assertThat(Files.readAllBytes(env)).isEqualTo(before);
    }

    @Test
    void aWorkDirectoryThatCannotBeWrittenStopsTheSwitchBeforeAnyChange() throws IOException {
        Path env = write(".env", "DATABASE_URL=" + OLD_URL + "\n");
        byte[] before = Files.readAllBytes(env);
        Files.writeString(work, "a file where the work directory should be");

        assertThat(seen(catchThrowableOfType(() -> appSwitch(env).switchTo(NEW_URL), AppSwitchException.class)))
                .hasMessageContaining("the work directory").hasMessageContaining("--work-dir");
        assertThat(seen(catchThrowableOfType(() -> appSwitch(env).dryRun(NEW_URL), AppSwitchException.class)))
                .hasMessageContaining("the work directory");
        assertThat(Files.readAllBytes(env)).isEqualTo(before);
        assertThat(listing(app)).containsExactly(".env");
    }

    @Test
    void aValueTheQuotingCannotHoldIsRefusedRatherThanRequoted() throws IOException {
        Path env = write(".env", "DATABASE_URL=" + OLD_URL + "\nQ='" + OLD_URL + "'\n");
        byte[] before = Files.readAllBytes(env);

        assertThat(seen(catchThrowableOfType(() -> appSwitch(env).switchTo("postgres://h/db?options=-c search_path=x"),
                AppSwitchException.class)))
                .hasMessageContaining("unquoted value").hasMessageContaining("DATABASE_URL='...'")
                .hasMessageContaining("unchanged");
        assertThat(seen(catchThrowableOfType(() -> new AppSwitch(env, "Q", work).switchTo("postgres://h/it's"),
                AppSwitchException.class))).hasMessageContaining("single-quoted");
        assertThat(Files.readAllBytes(env)).isEqualTo(before);
    }

    @Test
    void aFileChangedByHandAfterTheSwitchIsNotOverwrittenButShownAsADiffThenRestoredAnyway() throws IOException {
        Path env = write(".env", "NODE_ENV=production\nDATABASE_URL=" + OLD_URL + "\nPORT=3000\n");
        byte[] original = Files.readAllBytes(env);
        AppSwitch s = appSwitch(env);
        seen(s.switchTo(NEW_URL));
        String edited = "NODE_ENV=production\nDATABASE_URL=" + NEW_URL + "\nPORT=3001\nDB_PASSWORD=" + NEW_SECRET + "\n";
        Files.writeString(env, edited);

        AppConfigChangedException e = seen(catchThrowableOfType(s::restore, AppConfigChangedException.class));

        assertThat(e.file()).isEqualTo(env.toAbsolutePath());
        assertThat(e.diff()).contains("--- " + env.toAbsolutePath() + " (as Bascule wrote it at the switch)")
                .contains("+++ " + env.toAbsolutePath() + " (now)")
                .contains("@@ -1,3 +1,4 @@")
                .contains(" DATABASE_URL=postgres://***@127.0.0.1:5432/akig_immobilier")
                .contains("-PORT=3000\n+PORT=3001\n+DB_PASSWORD=***");
        assertThat(e.getMessage()).contains(e.diff()).contains("not overwritten");
        assertThat(Files.readString(env)).isEqualTo(edited);
        assertThat(seen(catchThrowableOfType(s::restoreDryRun, AppConfigChangedException.class)).diff()).isEqualTo(e.diff());
        assertThat(seen(catchThrowableOfType(() -> s.switchTo(NEW_URL), AppConfigChangedException.class)).diff())
                .isEqualTo(e.diff());
        assertThat(Files.readString(env)).isEqualTo(edited);

        AppSwitchResult r = seen(s.restoreAnyway());

        assertThat(r.outcome()).isEqualTo(Outcome.RESTORED_ANYWAY);
        assertThat(Files.readAllBytes(env)).isEqualTo(original);
        try (Stream<Path> kept = Files.list(s.stateDirectory())) {
            Path handEdited = kept.filter(p -> p.getFileName().toString().startsWith("hand-edited-")).findFirst().orElseThrow();
            assertThat(Files.readString(handEdited)).isEqualTo(edited);
        }
        assertThat(s.record().orElseThrow().restoredHow()).startsWith("restored anyway over a hand-edited file");
        assertThat(seen(s.restore()).outcome()).isEqualTo(Outcome.ALREADY_RESTORED);
    }

    @Test
    void aDeletedFileIsAChangeByHandToo() throws IOException {
        Path env = write(".env", "DATABASE_URL=" + OLD_URL + "\n");
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-r-----"));
        byte[] original = Files.readAllBytes(env);
        AppSwitch s = appSwitch(env);
        seen(s.switchTo(NEW_URL));
        Files.delete(env);

        AppConfigChangedException e = seen(catchThrowableOfType(s::restore, AppConfigChangedException.class));

        assertThat(e.diff()).contains("-DATABASE_URL=postgres://***@");
        assertThat(Files.exists(env)).isFalse();
        seen(s.restoreAnyway());
        assertThat(Files.readAllBytes(env)).isEqualTo(original);
        assertThat(Files.getPosixFilePermissions(env)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    }

    @Test
    void aRepeatedSwitchIsANoOpAndASecondTargetKeepsTheFirstOriginal() throws IOException {
        Path env = write(".env", "DATABASE_URL='" + OLD_URL + "'\n");
        byte[] original = Files.readAllBytes(env);
        AppSwitch s = appSwitch(env);
        seen(s.switchTo(NEW_URL));

        AppSwitchResult again = seen(s.switchTo(NEW_URL));
        assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_SWITCHED);
        assertThat(again.diff()).isEmpty();

        String other = "postgres://app:" + NEW_SECRET + "@10.0.0.2:5432/akig_immobilier";
        assertThat(seen(s.switchTo(other)).outcome()).isEqualTo(Outcome.SWITCHED);
        assertThat(Files.readString(env)).isEqualTo("DATABASE_URL='" + other + "'\n");
        assertThat(s.record().orElseThrow().oldValue()).isEqualTo("mysql://***@127.0.0.1:3306/akig_legacy");

        seen(s.restore());
        assertThat(Files.readAllBytes(env)).isEqualTo(original);
    }

    @Test
    void aSwitchInterruptedBeforeTheMoveLeavesTheOriginalAndIsRetried() throws IOException {
        Path env = write(".env", "DATABASE_URL=" + OLD_URL + "\n");
        byte[] original = Files.readAllBytes(env);
        AppSwitch s = appSwitch(env);
        seen(s.switchTo(NEW_URL));
        Files.write(env, original); // as if the process had died after the record, before the move

        assertThat(seen(s.restoreDryRun()).outcome()).isEqualTo(Outcome.ALREADY_RESTORED);
        assertThat(seen(s.switchTo(NEW_URL)).outcome()).isEqualTo(Outcome.SWITCHED);
        assertThat(Files.readString(env)).isEqualTo("DATABASE_URL=" + NEW_URL + "\n");
    }

    @Test
    void dryRunsChangeNothing() throws IOException {
        Path env = write(".env", SAMPLE);
        AppSwitch s = appSwitch(env);
        List<String> before = snapshot();

        AppSwitchResult plan = seen(s.dryRun(NEW_URL));

        assertThat(snapshot()).isEqualTo(before);
        assertThat(Files.exists(work)).isFalse();
        assertThat(plan.outcome()).isEqualTo(Outcome.WOULD_SWITCH);
        assertThat(plan.sha256After()).isEqualTo(AppSwitch.sha256(SAMPLE.replace(OLD_URL, NEW_URL).getBytes(StandardCharsets.UTF_8)));
        assertThat(plan.diff()).contains("+DATABASE_URL=postgres://***@127.0.0.1:5432/akig_immobilier");
        assertThat(seen(catchThrowableOfType(s::restoreDryRun, AppSwitchException.class)))
                .hasMessageContaining("nothing to restore");

        seen(s.switchTo(NEW_URL));
        List<String> switched = snapshot();

        AppSwitchResult restorePlan = seen(s.restoreDryRun());
        assertThat(seen(s.dryRun(NEW_URL)).outcome()).isEqualTo(Outcome.ALREADY_SWITCHED);

        assertThat(snapshot()).isEqualTo(switched);
        assertThat(restorePlan.outcome()).isEqualTo(Outcome.WOULD_RESTORE);
        assertThat(restorePlan.sha256After()).isEqualTo(AppSwitch.sha256(SAMPLE.getBytes(StandardCharsets.UTF_8)));
        assertThat(restorePlan.diff()).contains("+DATABASE_URL=mysql://***@127.0.0.1:3306/akig_legacy");
    }

    @Test
    void aDamagedKeptOriginalStopsTheRestore() throws IOException {
        Path env = write(".env", "DATABASE_URL=" + OLD_URL + "\n");
        AppSwitch s = appSwitch(env);
        seen(s.switchTo(NEW_URL));
        Files.writeString(s.stateDirectory().resolve("original"), "DATABASE_URL=something else\n");
        byte[] switched = Files.readAllBytes(env);

        assertThat(seen(catchThrowableOfType(s::restore, AppSwitchException.class)))
                .hasMessageContaining("does not match the SHA-256");
        assertThat(Files.readAllBytes(env)).isEqualTo(switched);
    }

    @Test
    void propertiesFilesKeepTheirSyntaxAndEscapes() throws IOException {
        String content = """
                # Spring configuration
                ! another comment
                spring.datasource.username = app
                other.list = a,\\
                    spring.datasource.url=inside a continuation
                spring.datasource.url: jdbc\\:mysql://127.0.0.1:3306/akig_legacy?password=%s
                greeting=caf\\u00e9
                """.formatted(OLD_SECRET);
        Path props = write("application.properties", content);
        AppSwitch s = new AppSwitch(props, "spring.datasource.url", work);

        AppSwitchResult r = seen(s.switchTo("jdbc:postgresql://127.0.0.1:5432/akig_immobilier?password=" + NEW_SECRET + "&ApplicationName=café"));

        assertThat(r.line()).isEqualTo(6);
        assertThat(r.fromValue()).isEqualTo("jdbc:mysql://127.0.0.1:3306/akig_legacy?password=***");
        assertThat(Files.readString(props)).isEqualTo(content.replace(
                "jdbc\\:mysql://127.0.0.1:3306/akig_legacy?password=" + OLD_SECRET,
                "jdbc:postgresql://127.0.0.1:5432/akig_immobilier?password=" + NEW_SECRET + "&ApplicationName=caf\\u00E9"));
        java.util.Properties loaded = new java.util.Properties();
        try (var in = Files.newInputStream(props)) {
            loaded.load(in);
        }
        assertThat(loaded.getProperty("spring.datasource.url"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/akig_immobilier?password=" + NEW_SECRET + "&ApplicationName=café");

        seen(s.restore());
        assertThat(Files.readString(props)).isEqualTo(content);
    }

    @Test
    void aPropertiesValueOnSeveralLinesIsRefused() throws IOException {
        Path props = write("app.properties", "db.url=jdbc:mysql://h/\\\n  db\n");
        assertThat(seen(catchThrowableOfType(() -> new AppSwitch(props, "db.url", work).switchTo("jdbc:postgresql://h/db"),
                AppSwitchException.class))).hasMessageContaining("continues on the next line");
    }

    @Test
    void noConfiguredFileIsAClearError() {
        assertThatThrownBy(() -> new AppSwitch(null, "DATABASE_URL", work)).hasMessageContaining("--app-env-file");
    }

    private List<String> snapshot() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted().toList()) {
                out.add(dir.relativize(p) + (Files.isRegularFile(p) ? " " + AppSwitch.sha256(Files.readAllBytes(p))
                        + " " + Files.getPosixFilePermissions(p) + " " + Files.getLastModifiedTime(p) : ""));
            }
        }
        return out;
    }

    private static List<String> listing(Path d) throws IOException {
        try (Stream<Path> files = Files.list(d)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
