package dev.veil.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The JDKs child JVMs run on: {@code -Dveil.test.jdks} or {@code VEIL_TEST_JDKS} (JAVA_HOMEs separated by the
 * path separator) when set; otherwise the JDK running the tests plus the newest other JDK found beside it
 * (on these machines a Temurin 25 next to the default 17).
 */
public final class Jdks {
    private static final Pattern VERSION = Pattern.compile("JAVA_VERSION=\"(\\d+)");
    private static final List<Path> ALL = find();

    private Jdks() {}

    public static List<Path> all() { return ALL; }

    public static Path current() { return Paths.get(System.getProperty("java.home")); }

    public static Path javaBinary(Path home) { return home.resolve("bin").resolve("java"); }

    public static int major(Path home) {
        try {
            Matcher m = VERSION.matcher(Files.readString(home.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static List<Path> find() {
        String configured = System.getProperty("veil.test.jdks", System.getenv("VEIL_TEST_JDKS"));
        List<Path> out = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            for (String s : configured.split(java.io.File.pathSeparator)) {
                Path home = Paths.get(s.trim());
                if (!Files.isExecutable(javaBinary(home))) {
                    throw new IllegalStateException("veil.test.jdks names " + home + ", which has no bin/java");
                }
                out.add(home);
            }
            return List.copyOf(out);
        }
        Path current = current();
        out.add(current);
        int currentMajor = major(current);
        Map<Integer, Path> others = new TreeMap<>();
        Path parent = current.toAbsolutePath().getParent();
        if (parent != null) {
            try (Stream<Path> homes = Files.list(parent)) {
                homes.filter(h -> Files.isExecutable(javaBinary(h)) && !Files.isSymbolicLink(h))
                        .forEach(h -> {
                            int major = major(h);
                            if (major > currentMajor) others.putIfAbsent(major, h);
                        });
            } catch (IOException e) {
                throw new IllegalStateException("cannot list JDKs in " + parent, e);
            }
        }
        if (!others.isEmpty()) out.add(((TreeMap<Integer, Path>) others).lastEntry().getValue());
        return List.copyOf(out);
    }
}
