package io.bascule.demo;

import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EmbeddedDatabases.class)
class SampleDatabaseIT {

    @Test
    void sampleHasTheTablesRowsAndIndexTheRunbookChecks(TestDatabases dbs) throws SQLException {
        try (Connection c = dbs.source()) {
            SampleDatabase.load(c);
            try (Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery(
                        "SELECT COUNT(*), SUM(montant), MAX(date_paiement) FROM disbursements")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(211);
                    assertThat(rs.getBigDecimal(2)).isEqualByComparingTo(new BigDecimal("165589.05"));
                    assertThat(rs.getObject(3, LocalDate.class)).isEqualTo(LocalDate.of(2026, 8, 3));
                }
                try (ResultSet rs = st.executeQuery(
                        "SELECT COUNT(*), MIN(`date`), MAX(`date`), COUNT(DISTINCT DATE(`date`)) FROM audit_logs")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isGreaterThanOrEqualTo(100_000);
                    LocalDateTime now = LocalDateTime.now();
                    assertThat(rs.getObject(2, LocalDateTime.class)).isAfter(now.minusDays(30).minusHours(1));
                    assertThat(rs.getObject(3, LocalDateTime.class)).isAfter(now.minusHours(1));
                    assertThat(rs.getLong(4)).isGreaterThanOrEqualTo(30);
                }
                try (ResultSet rs = st.executeQuery(
                        "SELECT column_name FROM information_schema.statistics WHERE table_schema = DATABASE()"
                                + " AND table_name = 'audit_logs' AND index_name = 'idx_audit_logs_locataire'")) {
                    assertThat(rs.next()).as("index idx_audit_logs_locataire").isTrue();
                    assertThat(rs.getString(1)).isEqualTo("locataire_id");
                }
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM locataires")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(500);
                }
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM historique")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(5000);
                }
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.tables"
                        + " WHERE table_schema = DATABASE() AND table_name LIKE 'bascule_seq%'")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("helper tables dropped").isZero();
                }
            }
        }
    }

    @Test
    void postgresDatabaseIsReachableAndPreloadsPgStatStatements(TestDatabases dbs) throws SQLException {
        try (Connection c = dbs.target(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW shared_preload_libraries")) {
            rs.next();
            assertThat(rs.getString(1)).contains("pg_stat_statements");
        }
    }
}
