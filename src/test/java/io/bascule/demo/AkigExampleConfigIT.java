package io.bascule.demo;

import io.bascule.config.BasculeProperties;
import io.bascule.config.BasculeProperties.BusinessCheck;
import io.bascule.config.SettingsResolver;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample runbook config binds strictly, and its business checks hold on the sample database. */
@ExtendWith(EmbeddedDatabases.class)
class AkigExampleConfigIT {

    @Test
    void sampleConfigBindsAndItsChecksHoldOnTheSampleData(TestDatabases dbs) throws Exception {
        Path config = Path.of("config", "akig.example.yml");
        Map<String, String> settings = new SettingsResolver(k -> null).resolve(config, Map.of());
        BasculeProperties props = SettingsResolver.bind(settings, config);
        assertThat(props.source().passwordEnv()).isEqualTo("BASCULE_SOURCE_PASSWORD");
        assertThat(props.target().passwordEnv()).isEqualTo("BASCULE_TARGET_PASSWORD");
        assertThat(props.app().envKey()).isEqualTo("DATABASE_URL");
        assertThat(props.businessChecks()).extracting(BusinessCheck::name)
                .containsExactly("dashboard-7-days", "locataire-lookup", "disbursements-report");
        BusinessCheck dashboard = props.businessChecks().get(0);
        assertThat(dashboard.maxDuration()).isEqualTo(Duration.ofMillis(100));
        assertThat(props.businessChecks().get(1).expectIndex()).isEqualTo("idx_audit_logs_locataire");

        try (Connection c = dbs.source()) {
            SampleDatabase.load(c);
            try (Statement st = c.createStatement()) {
                BusinessCheck report = props.businessChecks().get(2);
                try (ResultSet rs = st.executeQuery(report.sourceSql())) {
                    rs.next();
                    for (Map.Entry<String, String> e : report.expect().entrySet()) {
                        assertThat(rs.getString(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
                    }
                }
                try (ResultSet rs = st.executeQuery(dashboard.sourceSql())) {
                    int days = 0;
                    while (rs.next()) {
                        days++;
                        assertThat(rs.getLong("actions")).isPositive();
                    }
                    assertThat(days).as("the sample has activity on each of the last 7 days").isGreaterThanOrEqualTo(7);
                }
                try (ResultSet rs = st.executeQuery("EXPLAIN " + props.businessChecks().get(1).sourceSql())) {
                    rs.next();
                    assertThat(rs.getString("key")).isEqualTo("idx_audit_logs_locataire");
                }
            }
        }
    }
}
