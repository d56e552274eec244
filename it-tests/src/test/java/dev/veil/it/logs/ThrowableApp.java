package dev.veil.it.logs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
            Object[] none = null;
            System.out.println(none[0]);
        } catch (NullPointerException e) {
            all.put("helpful-npe", e);
        }
        for (Map.Entry<String, Throwable> e : all.entrySet()) {
            Throwable t = e.getValue();
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            print(e.getKey(), "getMessage", t.getMessage());
            print(e.getKey(), "getLocalizedMessage", t.getLocalizedMessage());
            print(e.getKey(), "toString", t.toString());
            print(e.getKey(), "printStackTrace", trace.toString());
        }
        all.get("chain").printStackTrace();
    }

    private static void print(String name, String method, String text) {
        System.out.println(name + "|" + method + "|" + String.valueOf(text).replace("\n", "\\n"));
    }
}
