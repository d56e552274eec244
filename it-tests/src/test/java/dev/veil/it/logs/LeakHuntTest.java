package dev.veil.it.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import dev.veil.scrub.Scrubber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The leak-hunt corpus through real Logback, Log4j2 and java.util.logging in child JVMs with the agent, on
 * every test JDK: each case is checked in the layout's file and on the console. A case passes when no form
 * of its secret appears in its event and the placeholder or redaction marker stands where the secret was.
 */
class LeakHuntTest {
    /** Positions a layout does not render at all (nothing to scrub, nothing to find): JUL's XMLFormatter prints no causes or suppressed. */
    private static final Set<String> NOT_RENDERED = Set.of("jul/xml/cause", "jul/xml/suppressed");
    private static final Pattern EVENT_START = Pattern.compile("(?m)^(?:EVT\\||\\{|<record>)");
    private static final ObjectMapper JSON = new ObjectMapper();
    static int checked;

    @TempDir Path tmp;

    static Stream<Arguments> runs() {
        return Jdks.all().stream().flatMap(jdk -> Stream.of("logback", "log4j2", "jul").map(f -> Arguments.of(jdk, f)));
    }

    static ChildJvm child(Path jdk, Path tmp) throws Exception {
        Path rules = tmp.resolve("rules.yaml");
        Files.writeString(rules, """
                version: 1
                stores:
                  t: {type: env}
                credentials:
                  corpus:
                    source: t/CORPUS_SECRET
                    allow:
                      - url: https://api.example.test/**
                audit:
                  path: %s
                """.formatted(tmp.resolve("audit.jsonl")));
        return ChildJvm.on(jdk).env("CORPUS_SECRET", LeakCorpus.VALUE)
                .jvmArgs("-Duser.home=" + tmp, "-javaagent:" + ChildJvm.AGENT_JAR + "=rules=" + rules + ",agent=corpus-agent");
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("runs")
    void noCaseLeaksAndEveryMarkerStandsWhereTheSecretWas(Path jdk, String framework) throws Exception {
        ChildJvm.Result r = child(jdk, tmp).main(LeakHuntApp.class, framework, tmp.toString());
        List<LeakCorpus.Case> cases = LeakCorpus.cases(framework, LeakHuntApp.layouts(framework));
        assertEquals(0, r.exit, () -> head(r.toString()));
        assertTrue(r.out.contains("DONE " + cases.size()), () -> head(r.toString()));

        Scrubber values = new Scrubber();
        values.register(LeakCorpus.PLACEHOLDER, LeakCorpus.VALUE.toCharArray());
        String console = framework.equals("jul") ? r.err : r.out;
        List<String> failures = new ArrayList<>();
        for (LeakCorpus.Case c : cases) {
            String file = Files.readString(tmp.resolve(framework + "-" + c.layout() + ".log"));
            for (String[] output : new String[][] {{"file", file}, {"console", console}}) {
                String where = framework + "/" + c.layout() + "/" + c.position() + "/" + c.secret().name() + "/" + output[0] + " (" + c.id() + ")";
                String problem = check(c, output[1], framework, values);
                if (problem != null) failures.add(where + ": " + problem);
                checked++;
            }
        }
        for (LeakCorpus.Secret s : LeakCorpus.secrets()) {
            for (String leak : s.leaks()) {
                if (r.out.contains(leak) || r.err.contains(leak)) failures.add("console output holds " + s.name());
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " of " + 2 * cases.size() + " cases failed:\n"
                + String.join("\n", failures.subList(0, Math.min(25, failures.size()))));
        System.out.println("leak hunt " + framework + " on JDK " + Jdks.major(jdk) + ": " + 2 * cases.size() + " cases, 0 leaks");
    }

    /** Null when the case passed, else what went wrong (never the secret itself). */
    private static String check(LeakCorpus.Case c, String output, String framework, Scrubber values) {
        int at = output.indexOf(c.id());
        if (at < 0) return "event not found";
        Matcher m = EVENT_START.matcher(output);
        int start = 0;
        int end = output.length();
        while (m.find()) {
            if (m.start() <= at) start = m.start();
            else { end = m.start(); break; }
        }
        String event = output.substring(start, end);
        String text;
        try {
            text = decode(event, c.layout());
        } catch (Exception e) {
            return "event is not valid " + c.layout() + ": " + e.getMessage();
        }
        for (String leak : c.secret().leaks()) {
            if (event.contains(leak) || text.contains(leak) || event.contains(LeakCorpus.json(leak))) return "LEAK";
        }
        String marked = c.secret().expected() != null ? c.secret().expected() : values.scrub(c.secret().logged());
        if (text.contains(LeakCorpus.around(marked))) return null;
        if (NOT_RENDERED.contains(framework + "/" + c.layout() + "/" + c.position()) && !text.contains("before ")) return null;
        return "marker not found where the secret was";
    }

    /** The event's text as a reader of that format sees it: JSON string values joined, XML unescaped. */
    private static String decode(String event, String layout) throws Exception {
        if (layout.equals("json")) {
            StringBuilder b = new StringBuilder();
            strings(JSON.readTree(event.strip()), b);
            return b.toString();
        }
        if (layout.equals("xml")) {
            return event.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
        }
        return event;
    }

    private static void strings(JsonNode n, StringBuilder b) {
        if (n.isTextual()) b.append(n.asText()).append('\n');
        n.forEach(child -> strings(child, b));
    }

    static String head(String s) {
        return s.length() > 6000 ? s.substring(0, 6000) + "..." : s;
    }
}
