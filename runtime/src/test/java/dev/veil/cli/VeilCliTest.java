package dev.veil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VeilCliTest {
    @TempDir Path dir;

    @Test
    void outputPrintedWithoutANewlineIsFlushed() throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "version: 1\ncredentials:\n  demo:\n    source: local/demo\n    allow:\n      - url: https://api.example.com/**\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Auto-flush on println only, like the PrintWriter the real entry point uses.
        int exit = VeilCli.run(new PrintWriter(out, true, StandardCharsets.UTF_8), new PrintWriter(new ByteArrayOutputStream(), true),
                "rules", "explain", rules.toString(), "--agent", "a", "--url", "https://api.example.com/x");
        assertEquals(0, exit);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("demo: inject by " + rules + ":6:9"), text);
    }
}
