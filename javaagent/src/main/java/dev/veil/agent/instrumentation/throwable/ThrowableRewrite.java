package dev.veil.agent.instrumentation.throwable;

import dev.veil.agent.instrumentation.ClassRewrite;
import dev.veil.agent.instrumentation.ClassShape;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Exception messages: {@code getMessage}, {@code getLocalizedMessage} and {@code toString} of {@link Throwable}
 * and of every subclass that overrides them (helpful NullPointerException, Jackson, driver exceptions...)
 * return scrubbed text. {@code printStackTrace} to any PrintStream or PrintWriter (and every override of it)
 * prints the whole trace scrubbed as one text: messages, {@code Caused by:} and {@code Suppressed:} lines,
 * cycles, and the stack frames' class, method and file names, which no message method returns.
 */
public final class ThrowableRewrite implements ClassRewrite {
    /** Methods whose returned text is scrubbed. */
    private static final Set<String> TEXT = Set.of("getMessage()Ljava/lang/String;", "getLocalizedMessage()Ljava/lang/String;",
            "toString()Ljava/lang/String;");
    /** Methods the bridge may print for, scrubbed, instead of the original. */
    private static final Set<String> PRINT = Set.of("printStackTrace(Ljava/io/PrintStream;)V", "printStackTrace(Ljava/io/PrintWriter;)V");
    private static final Set<String> HOOKED = union(TEXT, PRINT);
    /**
     * Throwable's own {@code getLocalizedMessage} and {@code toString} only pass {@code getMessage()} on (after the
     * class name): scrubbing them again would scan every message twice.
     */
    private static final Set<String> PASSED_ON = Set.of("getLocalizedMessage()Ljava/lang/String;", "toString()Ljava/lang/String;");
    /** Superclasses of most exceptions: a walk up the superclasses ends at them. */
    private static final Set<String> THROWABLES = Set.of("java/lang/Throwable", "java/lang/Exception",
            "java/lang/RuntimeException", "java/lang/Error", "java/io/IOException");

    private final ThrowableSuperclasses superclasses = new ThrowableSuperclasses(THROWABLES);

    @Override
    public boolean wants(String name, ClassShape shape, ClassLoader loader) {
        if (!shape.declaresAny(HOOKED)) return false;
        return name.equals("java/lang/Throwable") || superclasses.isThrowable(shape.superName(), loader);
    }

    @Override
    public boolean wants(Class<?> type) {
        if (!Throwable.class.isAssignableFrom(type)) return false;
        for (Method m : type.getDeclaredMethods()) {
            String name = m.getName();
            if ((name.equals("getMessage") || name.equals("getLocalizedMessage") || name.equals("toString") || name.equals("printStackTrace"))
                    && !Modifier.isAbstract(m.getModifiers())) return true;
        }
        return false;
    }

    @Override
    public ClassVisitor rewrite(ClassVisitor next) {
        return new ClassVisitor(Opcodes.ASM9, next) {
            private boolean throwable;

            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                throwable = name.equals("java/lang/Throwable");
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                String method = name + descriptor;
                if ((access & Opcodes.ACC_ABSTRACT) != 0) return mv;
                if (PRINT.contains(method)) return printsScrubbed(mv);
                if (!TEXT.contains(method) || throwable && PASSED_ON.contains(method)) return mv;
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

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return Set.copyOf(u);
    }

    /** {@code if (Bridge.printStackTrace(this, out)) return;} — unless the bridge is rendering this very trace. */
    private static MethodVisitor printsScrubbed(MethodVisitor mv) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitCode() {
                super.visitCode();
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitVarInsn(Opcodes.ALOAD, 1);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, ClassRewrite.BRIDGE, "printStackTrace",
                        "(Ljava/lang/Throwable;Ljava/lang/Object;)Z", false);
                Label original = new Label();
                super.visitJumpInsn(Opcodes.IFEQ, original);
                super.visitInsn(Opcodes.RETURN);
                super.visitLabel(original);
                super.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
            }
        };
    }

    /** Exceptions that override the message methods live in many JDK modules; each must read the bridge. */
    @Override
    public Map<String, Set<String>> jdkPackages() {
        return ModuleLayer.boot().modules().stream().collect(Collectors.toMap(Module::getName, m -> Set.of()));
    }
}
