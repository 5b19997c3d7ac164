package io.bascule.process;

import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.mapping.ResultMap;
import org.apache.ibatis.scripting.defaults.RawSqlSource;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class EngineMappingsTest {

    /** The engine's own configuration with its protected parse made callable. */
    static final class EngineConfig extends StandaloneInMemProcessEngineConfiguration {
        Configuration ownParse(String databaseType) {
            setDatabaseType(databaseType);
            setDataSource(h2());
            setTransactionFactory(new JdbcTransactionFactory());
            initSqlSessionFactory();
            return getSqlSessionFactory().getConfiguration();
        }
    }

    static JdbcDataSource h2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:mappings-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        return ds;
    }

    @Test
    void parsedAheadTheMappingsAreTheEnginesOwn() throws Exception {
        for (String type : List.of("h2", "postgres")) {
            Configuration ahead = EngineMappings.parse(type);
            Configuration own = new EngineConfig().ownParse(type);
            assertEquals(new TreeSet<>(own.getMappedStatementNames()), new TreeSet<>(ahead.getMappedStatementNames()), type);
            assertEquals(new TreeSet<>(own.getResultMapNames()), new TreeSet<>(ahead.getResultMapNames()), type);
            int compared = 0;
            for (String name : new TreeSet<>(own.getMappedStatementNames())) {
                if (!name.contains(".")) {
                    continue; // MyBatis also keeps every statement under its short name
                }
                MappedStatement a = ahead.getMappedStatement(name);
                MappedStatement o = own.getMappedStatement(name);
                assertEquals(o.getSqlCommandType(), a.getSqlCommandType(), name);
                assertEquals(o.getSqlSource().getClass(), a.getSqlSource().getClass(), name);
                assertEquals(o.getResultMaps().stream().map(ResultMap::getId).toList(),
                        a.getResultMaps().stream().map(ResultMap::getId).toList(), name);
                if (o.getSqlSource() instanceof RawSqlSource) {
                    assertEquals(o.getBoundSql(null).getSql(), a.getBoundSql(null).getSql(), name);
                    compared++;
                }
            }
            assertEquals(true, compared > 50, "static statements compared for " + type + ": " + compared);
        }
    }

    @Test
    void theEngineRunsOnTheMappingsParsedAhead() {
        EngineMappings.start("jdbc:h2:mem:whatever");
        StandaloneInMemProcessEngineConfiguration cfg = new StandaloneInMemProcessEngineConfiguration();
        cfg.setDataSource(h2());
        cfg.setJobExecutorActivate(false);
        EngineMappings plugin = new EngineMappings();
        cfg.getProcessEnginePlugins().add(plugin);
        plugin.preInit(cfg);
        assertEquals("h2", cfg.getDatabaseType());
        assertNotNull(cfg.getSqlSessionFactory(), "the mappings parsed ahead were handed to the engine");
        Configuration handed = cfg.getSqlSessionFactory().getConfiguration();
        cfg.getProcessEnginePlugins().remove(plugin);
        ProcessEngine engine = cfg.buildProcessEngine();
        try {
            assertSame(handed, cfg.getSqlSessionFactory().getConfiguration(), "the engine kept them");
            engine.getRepositoryService().createDeployment().addModelInstance("p.bpmn",
                    Bpmn.createExecutableProcess("p").startEvent().userTask("t").endEvent().done()).deploy();
            engine.getRuntimeService().startProcessInstanceByKey("p");
            assertEquals(1, engine.getTaskService().createTaskQuery().taskDefinitionKey("t").count());
        } finally {
            engine.close();
        }
    }

    @Test
    void mappingsParsedForAnotherDatabaseAreLeftToTheEngine() {
        EngineMappings.start("jdbc:postgresql://localhost/engine");
        StandaloneInMemProcessEngineConfiguration cfg = new StandaloneInMemProcessEngineConfiguration();
        cfg.setDataSource(h2());
        new EngineMappings().preInit(cfg);
        assertNull(cfg.getSqlSessionFactory(), "parsed for postgres, the engine's database is h2: the engine parses");
    }

    @Test
    void databaseTypes() {
        assertEquals("h2", EngineMappings.databaseType(null));
        assertEquals("h2", EngineMappings.databaseType("jdbc:h2:file:/x/engine"));
        assertEquals("postgres", EngineMappings.databaseType("jdbc:postgresql://db:5432/engine"));
        assertNull(EngineMappings.databaseType("jdbc:oracle:thin:@db:1521/x"));
    }
}
