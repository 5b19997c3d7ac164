package io.bascule.testing;

/** The bean {@code cutoverSettings} the cutover model's start listeners read, for engines without Spring (process tests). */
public record CutoverSettingsStub(String goTimeout, String freezeTimeout) {

    public static CutoverSettingsStub defaults() {
        return new CutoverSettingsStub("PT30M", "PT15M");
    }
}
