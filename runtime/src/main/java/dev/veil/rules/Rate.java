package dev.veil.rules;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code 120/min}: at most {@code permits} uses per {@code period}. */
public final class Rate {
    private static final Pattern FORM = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*([a-z]+)\\s*");

    private final long permits;
    private final Duration period;
    private final String text;

    private Rate(long permits, Duration period, String text) {
        this.permits = permits;
        this.period = period;
        this.text = text;
    }

    /** Parses {@code N/unit}, unit one of s, sec, second, m, min, minute, h, hour, d, day. */
    public static Rate parse(String text) {
        Matcher m = FORM.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("bad rate '" + text + "': expected N/unit such as 120/min (units: s, min, h, day)");
        }
        long permits = Long.parseLong(m.group(1));
        if (permits < 1) {
            throw new IllegalArgumentException("bad rate '" + text + "': the count must be at least 1");
        }
        Duration period;
        switch (m.group(2)) {
            case "s": case "sec": case "second": period = Duration.ofSeconds(1); break;
            case "m": case "min": case "minute": period = Duration.ofMinutes(1); break;
            case "h": case "hour": period = Duration.ofHours(1); break;
            case "d": case "day": period = Duration.ofDays(1); break;
            default:
                throw new IllegalArgumentException("bad rate '" + text + "': unknown unit '" + m.group(2) + "' (units: s, min, h, day)");
        }
        return new Rate(permits, period, text.trim());
    }

    public long permits() { return permits; }
    public Duration period() { return period; }
    @Override public String toString() { return text; }
}
