package dev.veil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateAndDurationsTest {
    @Test
    void ratesParseEveryUnitSpelling() {
        assertEquals(Duration.ofSeconds(1), Rate.parse("1/s").period());
        assertEquals(Duration.ofSeconds(1), Rate.parse("1/sec").period());
        assertEquals(Duration.ofSeconds(1), Rate.parse("1/second").period());
        assertEquals(Duration.ofMinutes(1), Rate.parse("1/m").period());
        assertEquals(Duration.ofMinutes(1), Rate.parse("1/minute").period());
        assertEquals(Duration.ofHours(1), Rate.parse("1/hour").period());
        assertEquals(Duration.ofDays(1), Rate.parse("1/d").period());
        Rate r = Rate.parse(" 120 / MIN ");
        assertEquals(120, r.permits());
        assertEquals(Duration.ofMinutes(1), r.period());
        assertEquals("120 / MIN", r.toString());
        assertEquals(999_999_999, Rate.parse("999999999/day").permits());
        assertEquals(1, Rate.parse("001/h").permits());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0/min", "000/s", "1/week", "1/", "/min", "abc", "-1/min", "1.5/min", "1234567890/min", "5 per min", "1/min/2", ""})
    void badRates(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rate.parse(bad));
        assertTrue(e.getMessage().startsWith("bad rate '" + bad + "'"), e.getMessage());
    }

    @Test
    void durationsAddTheirParts() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofSeconds(5), Durations.parse("5s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse(" 5m "));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofDays(2), Durations.parse("2d"));
        assertEquals(Duration.ofMillis(1_500), Durations.parse("1s500ms"));
        assertEquals(Duration.ZERO, Durations.parse("0s"));
        assertEquals(Duration.ofDays(999_999_999), Durations.parse("999999999d"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "m", "5 m", "-5s", "1.5h", "", "1y", "5M", "1h 30m", "1234567890s", "5mins", "PT5M"})
    void badDurations(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad));
        assertTrue(e.getMessage().startsWith("bad duration '" + bad + "'"), e.getMessage());
    }

    @Test
    void formatPicksTheLargestWholeUnit() {
        assertEquals("90m", Durations.format(Duration.ofMinutes(90)));
        assertEquals("2h", Durations.format(Duration.ofHours(2)));
        assertEquals("2d", Durations.format(Duration.ofDays(2)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1_500)));
        assertEquals("0s", Durations.format(Duration.ZERO));
        assertEquals("45s", Durations.format(Duration.ofSeconds(45)));
        for (String text : new String[] {"250ms", "5s", "5m", "1h", "3d", "90m"}) {
            assertEquals(text, Durations.format(Durations.parse(text)));
        }
    }
}
