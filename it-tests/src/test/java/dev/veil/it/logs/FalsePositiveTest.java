package dev.veil.it.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Benign log lines through real Logback with the agent (scrub-only, built-in detectors): how many change. */
class FalsePositiveTest {
    @TempDir Path tmp;

    @Test
    void benignLinesPassUnchanged() throws Exception {
        ChildJvm.Result r = ChildJvm.on(Jdks.current()).jvmArgs("-Duser.home=" + tmp, "-javaagent:" + ChildJvm.AGENT_JAR)
                .main(LeakHuntApp.class, "benign", tmp.toString());
        assertEquals(0, r.exit, r::toString);
        List<String> expected = BenignLines.generate(BenignLines.COUNT);
        List<String> actual = Files.readAllLines(tmp.resolve("benign.log"));
        assertEquals(expected.size(), actual.size());
        int changed = 0;
        for (int i = 0; i < expected.size(); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                changed++;
                System.out.println("false positive: " + actual.get(i));
            }
        }
        double rate = 100.0 * changed / expected.size();
        System.out.printf("false positives: %d of %d benign log lines (%.4f%%)%n", changed, expected.size(), rate);
        assertTrue(rate < 0.1, changed + " benign lines changed");
    }
}
