package io.bascule.process;

import org.apache.ibatis.builder.xml.XMLConfigBuilder;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.defaults.DefaultSqlSessionFactory;
import org.apache.ibatis.transaction.TransactionFactory;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.apache.ibatis.transaction.managed.ManagedTransactionFactory;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.ProcessEnginePlugin;
import org.camunda.bpm.engine.impl.util.ReflectUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Parses the engine's MyBatis mappings on a second thread while Spring starts, instead of on the main thread
 * when the engine is built: the parse is the largest single step of every start (~0.6 s of ~1.6 s on the
 * 2-core benchmark machine) and the second core is idle while Spring starts.
 *
 * <p>{@link #start(String)} begins the parse for the database type the engine's JDBC URL names: {@code main} calls it
 * first thing for the commands that start the engine, the launcher again with the resolved settings. When the engine is
 * built, the plugin hands the parsed mappings to it only if they were parsed exactly as the engine would parse them
 * itself: same database type (detected by the engine from the connection, as always), same table prefix, no shared
 * or preset session factory. In every other case, or if the parse failed, the engine parses as usual. The steps
 * after the parse (environment, statement timeout, batch executor) are the engine's own, in its order
 * ({@code ProcessEngineConfigurationImpl.initSqlSessionFactory} of Camunda 7.24).
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
public class EngineMappings implements ProcessEnginePlugin {

    private static final String TABLE_PREFIX = "";

    /** A parse begun ahead, for one database type. */
    private record Ahead(String databaseType, CompletableFuture<Configuration> configuration) {
    }

    private static final AtomicReference<Ahead> AHEAD = new AtomicReference<>();

    /**
     * Starts parsing the mappings for the engine database named by {@code engineJdbcUrl} (null: the default H2
     * file), unless a parse for that database type is already under way. Does nothing for a database type it does
     * not recognise.
     */
    public static void start(String engineJdbcUrl) {
        String type = databaseType(engineJdbcUrl);
        Ahead current = AHEAD.get();
        if (type == null || current != null && current.databaseType().equals(type)) {
            return;
        }
        CompletableFuture<Configuration> future = new CompletableFuture<>();
        AHEAD.set(new Ahead(type, future));
        Thread thread = new Thread(() -> {
            try {
                future.complete(parse(type));
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        }, "bascule-engine-mappings");
        thread.setDaemon(true);
        thread.start();
    }

    /** Looked up when needed: {@code main} loads this class before logging is set up, and need not set it up. */
    private static Logger log() {
        return LoggerFactory.getLogger(EngineMappings.class);
    }

    /** The engine's name for the database a JDBC URL points to, for the types Bascule's engine runs on; else null. */
    static String databaseType(String jdbcUrl) {
        if (jdbcUrl == null || jdbcUrl.isBlank() || jdbcUrl.startsWith("jdbc:h2:")) {
            return "h2";
        }
        return jdbcUrl.startsWith("jdbc:postgresql:") ? "postgres" : null;
    }

    static Configuration parse(String databaseType) throws Exception {
        try (InputStream in = ReflectUtil.getResourceAsStream(ProcessEngineConfigurationImpl.DEFAULT_MYBATIS_MAPPING_FILE);
             Reader reader = new InputStreamReader(Objects.requireNonNull(in, "engine mappings not on the class path"))) {
            Properties properties = new Properties();
            properties.put("prefix", TABLE_PREFIX);
            ProcessEngineConfigurationImpl.initSqlSessionFactoryProperties(properties, TABLE_PREFIX, databaseType);
            return new XMLConfigBuilder(reader, "", properties).parse();
        }
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl cfg) {
        Ahead ahead = AHEAD.getAndSet(null);
        if (ahead == null || cfg.isUseSharedSqlSessionFactory() || cfg.getSqlSessionFactory() != null
                || cfg.getDataSource() == null || !TABLE_PREFIX.equals(cfg.getDatabaseTablePrefix())) {
            return;
        }
        if (cfg.getDatabaseType() == null) {
            cfg.initDatabaseType(); // what the engine does a moment later, when it finds no type set
        }
        if (!ahead.databaseType().equals(cfg.getDatabaseType())) {
            log().debug("engine database is {}, mappings were parsed for {}; the engine parses them itself",
                    cfg.getDatabaseType(), ahead.databaseType());
            return;
        }
        Configuration configuration;
        try {
            configuration = ahead.configuration().join();
        } catch (RuntimeException e) {
            log().debug("engine mappings parsed ahead failed; the engine parses them itself", e);
            return;
        }
        if (cfg.getTransactionFactory() == null) { // as initTransactionFactory would set it
            TransactionFactory tx = cfg.isTransactionsExternallyManaged()
                    ? new ManagedTransactionFactory() : new JdbcTransactionFactory();
            cfg.setTransactionFactory(tx);
        }
        configuration.setEnvironment(new Environment("default", cfg.getTransactionFactory(), cfg.getDataSource()));
        configuration.setDefaultStatementTimeout(cfg.getJdbcStatementTimeout());
        if (cfg.isJdbcBatchProcessing()) {
            configuration.setDefaultExecutorType(ExecutorType.BATCH);
        }
        cfg.setSqlSessionFactory(new DefaultSqlSessionFactory(configuration));
    }

    @Override
    public void postInit(ProcessEngineConfigurationImpl cfg) {
    }

    @Override
    public void postProcessEngineBuild(ProcessEngine engine) {
    }
}
