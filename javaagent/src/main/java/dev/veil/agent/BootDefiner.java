package dev.veil.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Defines classes (name to class file) in the bootstrap loader. VeilAgent loads this class in a loader of its
 * own and exports {@code jdk.internal.misc} to that loader's module alone: the application never gains access
 * to it. Unsafe is called directly, not reflectively, which on JDK 22+ would cost method-handle spinning at start.
 */
public final class BootDefiner implements Consumer<Map<String, byte[]>> {
    /** Supertypes are resolved as a class is defined, so a class whose supertype is not there yet waits for another round. */
    @Override
    public void accept(Map<String, byte[]> classes) {
        jdk.internal.misc.Unsafe unsafe = jdk.internal.misc.Unsafe.getUnsafe();
        Map<String, byte[]> pending = new LinkedHashMap<>(classes);
        while (!pending.isEmpty()) {
            List<String> defined = new ArrayList<>();
            NoClassDefFoundError last = null;
            for (Map.Entry<String, byte[]> c : pending.entrySet()) {
                try {
                    unsafe.defineClass(c.getKey(), c.getValue(), 0, c.getValue().length, null, null);
                    defined.add(c.getKey());
                } catch (NoClassDefFoundError e) {
                    last = e;
                }
            }
            if (defined.isEmpty()) throw last;
            pending.keySet().removeAll(defined);
        }
    }
}
