package dev.veil.agent.instrumentation;

import dev.veil.Engine;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;

/**
 * Veil's one transformer. Every class that loads is read once, cheaply (its name and declared methods):
 * JDK classes loaded from the start are rewritten with ASM ({@link ClassRewrite}); a candidate of a library
 * module goes to Byte Buddy; everything else passes untouched.
 */
final class VeilTransformer implements ClassFileTransformer {
    private final List<ClassRewrite> rewrites;
    private final Candidates candidates;
    private final ByteBuddyModules modules;
    private final Engine engine;
    private final Set<String> reported;

    VeilTransformer(List<ClassRewrite> rewrites, Candidates candidates, ByteBuddyModules modules, Engine engine, Set<String> reported) {
        this.rewrites = rewrites;
        this.candidates = candidates;
        this.modules = modules;
        this.engine = engine;
        this.reported = reported;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain, byte[] classFile)
            throws IllegalClassFormatException {
        if (name == null || name.startsWith("dev/veil/")) return null;
        byte[] result = null;
        try {
            ClassShape shape = ClassShape.of(classFile);
            for (ClassRewrite r : rewrites) {
                if (r.wants(name, shape, loader)) result = rewrite(r, result == null ? classFile : result);
            }
            if (candidates.matches(name, shape)) {
                ClassFileTransformer byteBuddy = modules.transformer();
                byte[] out = byteBuddy == null ? null
                        : byteBuddy.transform(module, loader, name, redefined, domain, result == null ? classFile : result);
                if (out != null) result = out;
            }
        } catch (Throwable t) {
            EngineHandler.report(engine, reported, name.replace('/', '.'), t);
        }
        return result;
    }

    /** Which of {@code loaded}, classes loaded before Veil started, must be retransformed. */
    List<Class<?>> wanted(Class<?>[] loaded) {
        List<Class<?>> superTypes = candidates.loadedSuperTypes(loaded);
        List<Class<?>> wanted = new ArrayList<>();
        for (Class<?> type : loaded) {
            if (!type.getName().startsWith("dev.veil.") && wants(type, superTypes)) wanted.add(type);
        }
        return wanted;
    }

    private boolean wants(Class<?> type, List<Class<?>> superTypes) {
        for (ClassRewrite r : rewrites) {
            if (r.wants(type)) return true;
        }
        return candidates.matches(type, superTypes);
    }

    private static byte[] rewrite(ClassRewrite rewrite, byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        // Sharing the reader's constant pool copies unchanged methods as they are; maxima are recomputed
        // for the changed ones without loading any class.
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        ClassVisitor visitor = rewrite.rewrite(writer);
        reader.accept(visitor, 0);
        return writer.toByteArray();
    }
}
