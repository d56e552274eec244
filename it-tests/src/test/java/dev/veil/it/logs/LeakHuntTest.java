package dev.veil.it.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import dev.veil.scrub.Scrubber;
import java.nio.file.Files;
import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The leak-hunt corpus through real Logback, Log4j2, java.util.logging and SLF4J simple (2.x and 1.7) in child
 * JVMs with the agent, on every test JDK: each case is checked in the layout's file, and for the first three
 * also on the console and in the in-memory stream the application read back. A case passes when no form of
 * its secret appears in its event and the placeholder or redaction marker stands where the secret was.
 */
class LeakHuntTest {
    /** Positions a layout does not render at all (nothing to scrub, nothing to find): JUL's XMLFormatter prints no causes or suppressed. */
    private static final Set<String> NOT_RENDERED = Set.of("jul/xml/cause", "jul/xml/suppressed", "jul/xml/cause-frame");
    /**
     * Logback's JsonEncoder (1.5.18) writes stack frame names unescaped: a frame name holding a quote makes the
     * line invalid JSON with or without Veil. Such events are checked as the raw text they are.
     */
    private static final Set<String> FRAMES_UNESCAPED = Set.of("logback/json/frame", "logback/json/cause-frame");
    private static final List<String> SLF4J_SIMPLE = List.of("slf4j-simple-2", "slf4j-simple-1.7");
    private static final Pattern EVENT_START = Pattern.compile("(?m)^(?:EVT\\||\\{|<record>|INFO - |ERROR - )");
    private static final ObjectMapper JSON = new ObjectMapper();
    static int checked;

    @TempDir Path tmp;

    static Stream<Arguments> runs() {
        return Jdks.all().stream().flatMap(jdk -> Stream.of("logback", "log4j2", "jul", SLF4J_SIMPLE.get(0), SLF4J_SIMPLE.get(1))
                .map(f -> Arguments.of(jdk, f)));
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
                  corpus-xml:
                    source: t/CORPUS_XML_SECRET
                    allow:
                      - url: https://api.example.test/**
                audit:
                  path: %s
                """.formatted(tmp.resolve("audit.jsonl")));
        return ChildJvm.on(jdk).env("CORPUS_SECRET", LeakCorpus.VALUE).env("CORPUS_XML_SECRET", LeakCorpus.XML_VALUE)
                .jvmArgs("-Duser.home=" + tmp, "-javaagent:" + ChildJvm.AGENT_JAR + "=rules=" + rules + ",agent=corpus-agent");
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("runs")
    void noCaseLeaksAndEveryMarkerStandsWhereTheSecretWas(Path jdk, String framework) throws Exception {
        boolean simple = SLF4J_SIMPLE.contains(framework);
        ChildJvm.Result r = simple
                ? child(jdk, tmp).main(slf4jSimpleClassPath(framework), Slf4jSimpleApp.class, framework, tmp.toString())
                : child(jdk, tmp).main(LeakHuntApp.class, framework, tmp.toString());
        List<LeakCorpus.Case> cases = LeakCorpus.cases(framework, simple ? List.of("default") : LeakHuntApp.layouts(framework));
        assertEquals(0, r.exit, () -> head(r.toString()));
        assertTrue(r.out.contains("DONE " + cases.size()), () -> head(r.toString()));

        Scrubber values = new Scrubber();
        values.register(LeakCorpus.PLACEHOLDER, LeakCorpus.VALUE.toCharArray());
        values.register(LeakCorpus.XML_PLACEHOLDER, LeakCorpus.XML_VALUE.toCharArray());
        String console = framework.equals("jul") ? r.err : r.out;
        List<String> failures = new ArrayList<>();
        int outputs = 0;
        for (String layout : simple ? List.of("default") : LeakHuntApp.layouts(framework)) {
            Map<String, String> byOutput = new LinkedHashMap<>();
            byOutput.put("file", Files.readString(tmp.resolve(framework + "-" + layout + ".log")));
            if (!simple) {
                byOutput.put("console", console);
                byOutput.put("stream", Files.readString(tmp.resolve(framework + "-" + layout + "-stream.log")));
            }
            outputs = byOutput.size();
            for (LeakCorpus.Case c : cases) {
                if (!c.layout().equals(layout)) continue;
                for (Map.Entry<String, String> output : byOutput.entrySet()) {
                    String where = framework + "/" + c.layout() + "/" + c.position() + "/" + c.secret().name() + "/" + output.getKey() + " (" + c.id() + ")";
                    String problem = check(c, output.getValue(), framework, values);
                    if (problem != null) failures.add(where + ": " + problem);
                    checked++;
                }
            }
        }
        for (LeakCorpus.Secret s : LeakCorpus.secrets()) {
            for (String leak : s.leaks()) {
                if (r.out.contains(leak) || r.err.contains(leak)) failures.add("console output holds " + s.name());
            }
        }
        int total = outputs * cases.size();
        assertTrue(failures.isEmpty(), () -> failures.size() + " of " + total + " cases failed:\n"
                + String.join("\n", failures.subList(0, Math.min(25, failures.size()))));
        System.out.println("leak hunt " + framework + " on JDK " + Jdks.major(jdk) + ": " + total + " cases, 0 leaks");
    }

    /** Test classes plus one SLF4J simple version (API and binding), nothing else. */
    private static String slf4jSimpleClassPath(String version) throws Exception {
        List<String> cp = new ArrayList<>();
        cp.add(Paths.get(Slf4jSimpleApp.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        try (Stream<Path> jars = Files.list(ChildJvm.REPO.resolve("it-tests/target/libs").resolve(version))) {
            jars.sorted().forEach(j -> cp.add(j.toString()));
        }
        assertEquals(3, cp.size(), () -> "slf4j-api and slf4j-simple jars for " + version + ": " + cp);
        return String.join(File.pathSeparator, cp);
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
            boolean upstream = FRAMES_UNESCAPED.contains(framework + "/" + c.layout() + "/" + c.position())
                    && !LeakCorpus.json(c.secret().logged()).equals(c.secret().logged());
            if (!upstream) return "event is not valid " + c.layout() + ": " + e.getMessage();
            text = event;
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
