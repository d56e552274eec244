package dev.veil.it.logs;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Child application: exceptions that carry a secret, built as applications and libraries build them; prints
 * every way an application reads one back ({@code name|method|text}, line breaks as {@code \n}).
 */
public final class ThrowableApp {
    public static final String KEY = "sk-proj-" + "Tz4kQ9wLm2Xc".repeat(4);

    /** An IOException subclass that builds its message in an override, from its own state. */
    static final class UploadException extends IOException {
        private final String target;

        UploadException(String target) {
            this.target = target;
        }

        @Override
        public String getMessage() {
            return "upload to " + target + " failed";
        }
    }

    /** Its message is clean; what it says in its localized message is not. */
    static final class LocalizedException extends IllegalStateException {
        LocalizedException() {
            super("clean");
        }

        @Override
        public String getLocalizedMessage() {
            return "localized " + KEY;
        }
    }

    /** Its message is clean; its toString is not. */
    static final class DescribedException extends RuntimeException {
        DescribedException() {
            super("clean");
        }

        @Override
        public String toString() {
            return "DescribedException[" + KEY + "]";
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, Throwable> all = new LinkedHashMap<>();
        all.put("io", new IOException("token " + KEY));
        all.put("override", new UploadException("https://u:" + KEY + "@files.example.com/x"));
        all.put("sql", new SQLException("login failed: jdbc:postgresql://db/app?user=a&password=Hunter2xyz", "28000"));
        try {
            new ObjectMapper().readValue("\"" + KEY + "\"", Integer.class); // the message quotes the input
        } catch (Exception e) {
            all.put("jackson", e);
        }
        RuntimeException chain = new RuntimeException("outer", new IllegalStateException("cause " + KEY));
        chain.addSuppressed(new IllegalArgumentException("suppressed " + KEY));
        all.put("chain", chain);
        try {
            // With the source in locations (off by default since 2.16), the message quotes the input it failed on.
            JsonMapper.builder().enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build().readTree("{\"k\": " + KEY + "}");
        } catch (Exception e) {
            all.put("jackson-parse", e);
        }
        IOException framed = new IOException("clean");
        framed.setStackTrace(new StackTraceElement[] {new StackTraceElement("com.example.Upload", "send", KEY + ".java", 7)});
        all.put("frames", framed);
        RuntimeException a = new RuntimeException("cycle a " + KEY);
        IllegalStateException b = new IllegalStateException("cycle b");
        a.initCause(b);
        b.initCause(a);
        b.addSuppressed(new IllegalArgumentException("suppressed in cycle " + KEY));
        all.put("cycle", a);
        all.put("localized", new LocalizedException());
        all.put("tostring", new DescribedException());
        try {
            Object[] none = null;
            System.out.println(none[0]);
        } catch (NullPointerException e) {
            all.put("helpful-npe", e);
        }
        for (Map.Entry<String, Throwable> e : all.entrySet()) {
            Throwable t = e.getValue();
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            t.printStackTrace(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            print(e.getKey(), "getMessage", t.getMessage());
            print(e.getKey(), "getLocalizedMessage", t.getLocalizedMessage());
            print(e.getKey(), "toString", t.toString());
            print(e.getKey(), "printStackTrace", trace.toString());
            print(e.getKey(), "printStackTraceStream", bytes.toString(StandardCharsets.UTF_8));
        }
        all.get("chain").printStackTrace();
        all.get("cycle").printStackTrace();
    }

    private static void print(String name, String method, String text) {
        System.out.println(name + "|" + method + "|" + String.valueOf(text).replace("\n", "\\n"));
    }
}
