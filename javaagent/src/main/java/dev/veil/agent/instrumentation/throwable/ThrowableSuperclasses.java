package dev.veil.agent.instrumentation.throwable;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import net.bytebuddy.jar.asm.ClassReader;

/**
 * Whether a class about to load extends Throwable, told from class files alone: each superclass is read as a
 * resource of the loader, never loaded. A class the JVM loads while a transformer runs is not transformed at all,
 * so loading a superclass from here would leave it unhooked (a driver's Statement base class, say). Answers are
 * kept per loader (weakly, at most {@value #PER_LOADER} names each), as most classes share a few superclasses.
 */
final class ThrowableSuperclasses {
    private static final int PER_LOADER = 4096;
    private static final int MAX_DEPTH = 64;
    /** No class has this name. */
    private static final String UNREADABLE = "";

    private final Set<String> throwables;
    private final Map<ClassLoader, Map<String, Boolean>> known = new WeakHashMap<>();

    /** {@code throwables}: internal names known to be Throwable, where a walk stops. */
    ThrowableSuperclasses(Set<String> throwables) {
        this.throwables = throwables;
    }

    /** Whether the class named {@code superName} (internal name), as {@code loader} would find it, is a Throwable. */
    boolean isThrowable(String superName, ClassLoader loader) {
        List<String> walked = new ArrayList<>();
        String name = superName;
        Boolean answer = null;
        while (answer == null) {
            if (throwables.contains(name)) {
                answer = true;
            } else if (name == null || name.equals("java/lang/Object") || walked.size() >= MAX_DEPTH) {
                answer = false;
            } else if ((answer = cached(loader, name)) == null) {
                walked.add(name);
                name = superclass(name, loader);
                // A class file the loader does not show (generated, or gone) decides nothing to keep.
                if (UNREADABLE.equals(name)) return false;
            }
        }
        remember(loader, walked, answer);
        return answer;
    }

    private static String superclass(String name, ClassLoader loader) {
        ClassLoader l = loader != null ? loader : ClassLoader.getPlatformClassLoader(); // which asks the boot loader first
        try (InputStream in = l.getResourceAsStream(name + ".class")) {
            return in == null ? UNREADABLE : new ClassReader(in).getSuperName();
        } catch (IOException | RuntimeException e) {
            return UNREADABLE;
        }
    }

    private Boolean cached(ClassLoader loader, String name) {
        synchronized (known) {
            Map<String, Boolean> names = known.get(loader);
            return names == null ? null : names.get(name);
        }
    }

    private void remember(ClassLoader loader, List<String> names, boolean throwable) {
        if (names.isEmpty()) return;
        synchronized (known) {
            Map<String, Boolean> m = known.computeIfAbsent(loader, k -> new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > PER_LOADER;
                }
            });
            for (String n : names) m.put(n, throwable);
        }
    }
}
