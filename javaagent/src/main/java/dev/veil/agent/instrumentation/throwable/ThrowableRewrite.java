package dev.veil.agent.instrumentation.throwable;

import dev.veil.agent.instrumentation.ClassRewrite;
import dev.veil.agent.instrumentation.ClassShape;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Exception messages: {@code getMessage} and {@code getLocalizedMessage} of {@link Throwable} and of every
 * subclass that overrides them (helpful NullPointerException, Jackson, driver exceptions...) return scrubbed
 * text. {@code toString} and {@code printStackTrace} (causes, suppressed) print through
 * {@code getLocalizedMessage}, so they are covered too, whoever calls them.
 */
public final class ThrowableRewrite implements ClassRewrite {
    private static final String MESSAGE = "getMessage()Ljava/lang/String;";
    private static final String LOCALIZED = "getLocalizedMessage()Ljava/lang/String;";
    /** Superclasses of most exceptions, known without loading anything. */
    private static final Set<String> THROWABLES = Set.of("java/lang/Throwable", "java/lang/Exception",
            "java/lang/RuntimeException", "java/lang/Error", "java/io/IOException");

    @Override
    public boolean wants(String name, ClassShape shape, ClassLoader loader) {
        if (!shape.declares(MESSAGE) && !shape.declares(LOCALIZED)) return false;
        if (name.equals("java/lang/Throwable") || THROWABLES.contains(shape.superName())) return true;
        if (shape.superName() == null) return false;
        try {
            // The superclass loads before this class anyway; loading it a moment earlier changes nothing.
            return Throwable.class.isAssignableFrom(Class.forName(shape.superName().replace('/', '.'), false, loader));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Override
    public boolean wants(Class<?> type) {
        return Throwable.class.isAssignableFrom(type) && (declares(type, "getMessage") || declares(type, "getLocalizedMessage"));
    }

    private static boolean declares(Class<?> type, String method) {
        try {
            return type.getDeclaredMethod(method).getReturnType() == String.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    @Override
    public ClassVisitor rewrite(ClassVisitor next) {
        return new ClassVisitor(Opcodes.ASM9, next) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                String method = name + descriptor;
                if ((access & Opcodes.ACC_ABSTRACT) != 0 || !method.equals(MESSAGE) && !method.equals(LOCALIZED)) return mv;
                return new MethodVisitor(Opcodes.ASM9, mv) {
                    @Override
                    public void visitInsn(int opcode) {
                        // The returned text, scrubbed: one call between the value and its return.
                        if (opcode == Opcodes.ARETURN) {
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, ClassRewrite.BRIDGE, "scrub", "(Ljava/lang/String;)Ljava/lang/String;", false);
                        }
                        super.visitInsn(opcode);
                    }
                };
            }
        };
    }

    /** Exceptions that override the message methods live in many JDK modules; each must read the bridge. */
    @Override
    public Map<String, Set<String>> jdkPackages() {
        return ModuleLayer.boot().modules().stream().collect(Collectors.toMap(Module::getName, m -> Set.of()));
    }
}
