package dev.veil.agent.instrumentation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A library module and the classes that may call for it, told cheaply: by name, or by a declared method (for a
 * class about to load: its name and the start of its descriptor) and a supertype name (for a class already loaded). A class that passes goes to
 * Byte Buddy, whose matchers in the module decide; no other class ever wakes Byte Buddy up. Naming the module
 * by its class loads it without linking it, so none of Byte Buddy's classes load before they are needed.
 */
final class Candidates {
    private final Class<? extends InstrumentationModule> module;
    /** Internal names ({@code a/b/C}), as a class about to load is named: no conversion per class. */
    private final Set<String> types = new HashSet<>();
    private final Map<String, List<String>> methods = new HashMap<>();
    private final Set<String> superTypes = new HashSet<>();

    private Candidates(Class<? extends InstrumentationModule> module) {
        this.module = module;
    }

    static Candidates of(Class<? extends InstrumentationModule> module) {
        return new Candidates(module);
    }

    /** Classes with one of these binary names. */
    Candidates named(String... names) {
        for (String n : names) types.add(n.replace('.', '/'));
        return this;
    }

    /**
     * Classes that extend or implement one of {@code superTypes} and declare one of {@code methods}, each a name and
     * the start of a descriptor, e.g. {@code format(Ljava/util/logging/LogRecord;)}: names alone such as "format"
     * would wake Byte Buddy up for PrintWriter.
     */
    Candidates declaring(List<String> methods, String... superTypes) {
        for (String m : methods) {
            int paren = m.indexOf('(');
            this.methods.computeIfAbsent(m.substring(0, paren), k -> new ArrayList<>()).add(m.substring(paren));
        }
        this.superTypes.addAll(Set.of(superTypes));
        return this;
    }

    Class<? extends InstrumentationModule> module() { return module; }

    static Candidates union(Iterable<Candidates> all) {
        Candidates u = new Candidates(null);
        for (Candidates c : all) {
            u.types.addAll(c.types);
            c.methods.forEach((name, descriptors) -> u.methods.computeIfAbsent(name, k -> new ArrayList<>()).addAll(descriptors));
            u.superTypes.addAll(c.superTypes);
        }
        return u;
    }

    boolean matches(String name, ClassShape shape) {
        if (types.contains(name)) return true;
        for (int i = 0; i < shape.methods(); i++) {
            List<String> descriptors = methods.get(shape.methodName(i));
            if (descriptors == null) continue;
            for (String d : descriptors) {
                if (shape.methodDescriptor(i).startsWith(d)) return true;
            }
        }
        return false;
    }

    /**
     * The supertypes among {@code loaded}: a class loads after its supertypes, so only subtypes of these can match,
     * and one native assignability check each beats walking every loaded class's hierarchy.
     */
    List<Class<?>> loadedSuperTypes(Class<?>[] loaded) {
        List<Class<?>> found = new ArrayList<>();
        for (Class<?> c : loaded) {
            if (superTypes.contains(c.getName())) found.add(c);
        }
        return found;
    }

    /** Whether {@code type}, already loaded, is a candidate; {@code loadedSuperTypes} from {@link #loadedSuperTypes}. */
    boolean matches(Class<?> type, List<Class<?>> loadedSuperTypes) {
        if (types.contains(type.getName().replace('.', '/'))) return true;
        for (Class<?> s : loadedSuperTypes) {
            if (s != type && s.isAssignableFrom(type)) return true;
        }
        return false;
    }
}
