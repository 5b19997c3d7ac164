package io.bascule.process;

import java.util.List;

/** The process definition keys of the runbooks: one place for every id the code refers to. */
public final class ProcessKeys {

    public static final String GOLD_MIGRATION = "goldMigration";
    public static final String GOLD_VERIFICATION = "goldVerification";
    public static final String CUTOVER = "cutover";
    public static final String ROLLBACK = "rollback";
    public static final String SURVEILLANCE = "surveillance";
    public static final String PLATINUM_REPORT = "platinumReport";

    public static final List<String> ALL = List.of(GOLD_MIGRATION, GOLD_VERIFICATION, CUTOVER, ROLLBACK, SURVEILLANCE, PLATINUM_REPORT);

    /** Candidate group of every human task of the runbooks. */
    public static final String DBA_GROUP = "dba";

    private ProcessKeys() {
    }
}
