package dev.veil.scrub;

import java.util.Locale;

/** Which bodies are text (scrubbed) and which binary (passed untouched). */
public final class ContentTypes {
    private ContentTypes() {}

    /** Unknown or missing types count as text: scrubbing a binary body by exact value is harmless, missing a text one is a leak. */
    public static boolean isText(String contentType) {
        if (contentType == null || contentType.trim().isEmpty()) return true;
        String t = contentType.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        if (semi >= 0) t = t.substring(0, semi);
        t = t.trim();
        if (t.startsWith("text/") || t.endsWith("+json") || t.endsWith("+xml") || t.endsWith("/json") || t.endsWith("/xml")) return true;
        switch (t) {
            case "application/x-www-form-urlencoded":
            case "application/javascript":
            case "application/x-ndjson":
            case "application/jsonl":
            case "application/graphql":
            case "application/yaml":
            case "application/x-yaml":
                return true;
            default:
                return !(t.startsWith("image/") || t.startsWith("audio/") || t.startsWith("video/") || t.startsWith("font/")
                        || t.startsWith("application/") || t.startsWith("multipart/"));
        }
    }
}
