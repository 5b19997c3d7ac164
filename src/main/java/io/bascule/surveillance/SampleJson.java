package io.bascule.surveillance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.UncheckedIOException;

/**
 * A {@link Sample} as one line of JSON: keys are the record's component names, in their order ({@code at} first),
 * instants as ISO-8601 text, nulls written. Reading ignores keys it does not know, so a file written by another version
 * still reads.
 */
public final class SampleJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private SampleJson() {
    }

    /** The mapper the samples are written and read with (a copy may be configured further). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** One line: no line break inside (JSON escapes those in strings). */
    public static String toJson(Sample sample) {
        try {
            return MAPPER.writeValueAsString(sample);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Sample fromJson(String json) {
        try {
            return MAPPER.readValue(json, Sample.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
