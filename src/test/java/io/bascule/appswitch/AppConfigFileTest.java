package io.bascule.appswitch;

import io.bascule.appswitch.AppConfigFile.Entry;
import io.bascule.appswitch.AppConfigFile.Format;
import io.bascule.appswitch.AppConfigFile.Quoting;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Finding the key's value as the application's parser reads it, and writing a new one it reads back exactly. */
class AppConfigFileTest {

    static final Path FILE = Path.of("/srv/app/.env");
    static final Path PROPS = Path.of("/srv/app/application.properties");

    private static Entry env(String text, String key) {
        return AppConfigFile.locate(text.getBytes(StandardCharsets.UTF_8), key, Format.ENV, FILE);
    }

    private static Entry props(String text, String key) {
        return AppConfigFile.locate(text.getBytes(StandardCharsets.UTF_8), key, Format.PROPERTIES, PROPS);
    }

    @Test
    void formatFollowsTheFileName() {
        assertThat(AppConfigFile.formatOf(Path.of("/a/.env"))).isEqualTo(Format.ENV);
        assertThat(AppConfigFile.formatOf(Path.of("/a/backend.env.production"))).isEqualTo(Format.ENV);
        assertThat(AppConfigFile.formatOf(Path.of("/a/Application.PROPERTIES"))).isEqualTo(Format.PROPERTIES);
    }

    @Test
    void envValuesAreReadAsDotenvReadsThem() {
        assertThat(env("K=v # c\n", "K").value()).isEqualTo("v");
        assertThat(env("K=v#not-a-comment\n", "K").value()).isEqualTo("v#not-a-comment");
        assertThat(env("K=\"a # b\" # c\n", "K")).satisfies(e -> {
            assertThat(e.value()).isEqualTo("a # b");
            assertThat(e.quoting()).isEqualTo(Quoting.DOUBLE);
        });
        assertThat(env("K='it\\s'\n", "K").value()).isEqualTo("it\\s");
        assertThat(env("KEY=1\nK=2\n", "K").line()).isEqualTo(2);
        assertThat(env("# K=1\n  #K=2\nK=3\n", "K").value()).isEqualTo("3");
        assertThat(env("K=ünï\n", "K").value()).isEqualTo("ünï");
        assertThat(env("A=\"multi\nline\"\r\nB=x\r\nK=y\r\n", "K").line()).isEqualTo(4);
        assertThatThrownBy(() -> env("K=\"open\nstill\"\n", "K")).hasMessageContaining("spans several lines");
    }

    @Test
    void propertiesValuesAreReadAsJavaReadsThem() throws IOException {
        String text = "a.b = one\nmy\\ key=two\nk3 three\nk4:\\u0066our\\:4\nlist=x,\\\n  k5=inside\nk5=\\ five\n";
        Properties java = new Properties();
        java.load(new StringReader(text));
        for (String key : new String[]{"a.b", "my key", "k3", "k4", "k5"}) {
            assertThat(props(text, key).value()).as(key).isEqualTo(java.getProperty(key));
        }
        assertThat(props(text, "k5").line()).isEqualTo(7);
    }

    @Test
    void anEscapedPropertiesValueReadsBackExactly() throws IOException {
        String value = " lead\\back\ttab=colon:hash#bang!café✓";
        String text = "k=old\n";
        Entry e = props(text, "k");
        byte[] out = AppConfigFile.replace(text.getBytes(StandardCharsets.ISO_8859_1), e, value, "k", PROPS);
        Properties java = new Properties();
        java.load(new StringReader(new String(out, StandardCharsets.ISO_8859_1)));
        assertThat(java.getProperty("k")).isEqualTo(value);
        assertThat(new String(out, StandardCharsets.US_ASCII)).isEqualTo("k=\\ lead\\\\back\\ttab=colon:hash#bang!caf\\u00E9\\u2713\n");
    }
}
