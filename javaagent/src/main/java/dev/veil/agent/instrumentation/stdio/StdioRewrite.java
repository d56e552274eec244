package dev.veil.agent.instrumentation.stdio;

import dev.veil.agent.instrumentation.ClassRewrite;
import dev.veil.agent.instrumentation.ClassShape;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Standard output and error, at the lowest Java point every writer shares: {@code FileOutputStream}'s
 * writes on {@code FileDescriptor.out} and {@code .err}. That covers {@code System.out}/{@code err} (byte and
 * char paths, captured before the agent started or not), and frameworks that open the descriptor
 * themselves (Log4j2 {@code direct=true}). Unfinished lines wait for their line break or a flush, which
 * reaches {@code OutputStream.flush} (FileOutputStream does not override it).
 */
public final class StdioRewrite implements ClassRewrite {
    private static final String FILE_OUT = "java/io/FileOutputStream";
    private static final String OUT = "java/io/OutputStream";
    private static final String FD = "Ljava/io/FileDescriptor;";

    @Override
    public boolean wants(String name, ClassShape shape, ClassLoader loader) {
        return loader == null && (name.equals(FILE_OUT) || name.equals(OUT));
    }

    @Override
    public boolean wants(Class<?> type) {
        return type == java.io.FileOutputStream.class || type == java.io.OutputStream.class;
    }

    @Override
    public ClassVisitor rewrite(ClassVisitor next) {
        return new ClassVisitor(Opcodes.ASM9, next) {
            private String owner;

            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                owner = name;
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                String method = name + descriptor;
                if (owner.equals(FILE_OUT) && method.equals("write([BII)V")) return prologue(mv, StdioRewrite::writeRange);
                if (owner.equals(FILE_OUT) && method.equals("write([B)V")) return prologue(mv, StdioRewrite::writeArray);
                if (owner.equals(FILE_OUT) && method.equals("write(I)V")) return prologue(mv, StdioRewrite::writeByte);
                if (owner.equals(OUT) && method.equals("flush()V")) return prologue(mv, StdioRewrite::flush);
                return mv;
            }
        };
    }

    private static MethodVisitor prologue(MethodVisitor mv, java.util.function.Consumer<MethodVisitor> code) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitCode() {
                super.visitCode();
                code.accept(mv);
            }
        };
    }

    /** {@code due = Bridge.stdioWrite(fd, b, off, len); off = Bridge.stdioOffset(due, off); len = ...; b = ...} */
    private static void writeRange(MethodVisitor mv) {
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, FILE_OUT, "fd", FD);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitVarInsn(Opcodes.ILOAD, 2);
        mv.visitVarInsn(Opcodes.ILOAD, 3);
        bridge(mv, "stdioWrite", "(" + FD + "[BII)[B");
        mv.visitInsn(Opcodes.DUP);
        mv.visitVarInsn(Opcodes.ILOAD, 2);
        bridge(mv, "stdioOffset", "([BI)I");
        mv.visitVarInsn(Opcodes.ISTORE, 2);
        mv.visitInsn(Opcodes.DUP);
        mv.visitVarInsn(Opcodes.ILOAD, 3);
        bridge(mv, "stdioLength", "([BI)I");
        mv.visitVarInsn(Opcodes.ISTORE, 3);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        bridge(mv, "stdioBytes", "([B[B)[B");
        mv.visitVarInsn(Opcodes.ASTORE, 1);
    }

    /** {@code b = Bridge.stdioWrite(fd, b)} */
    private static void writeArray(MethodVisitor mv) {
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, FILE_OUT, "fd", FD);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        bridge(mv, "stdioWrite", "(" + FD + "[B)[B");
        mv.visitVarInsn(Opcodes.ASTORE, 1);
    }

    /** {@code if (Bridge.stdioWrite(this, fd, b)) return;} — one byte may become none (held back) or a whole line. */
    private static void writeByte(MethodVisitor mv) {
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, FILE_OUT, "fd", FD);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        bridge(mv, "stdioWrite", "(L" + FILE_OUT + ";" + FD + "I)Z");
        Label original = new Label();
        mv.visitJumpInsn(Opcodes.IFEQ, original);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitLabel(original);
        mv.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
    }

    /** {@code Bridge.stdioFlush(this)} — what a standard stream held back is written first. */
    private static void flush(MethodVisitor mv) {
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        bridge(mv, "stdioFlush", "(Ljava/lang/Object;)V");
    }

    private static void bridge(MethodVisitor mv, String method, String descriptor) {
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, method, descriptor, false);
    }

    @Override
    public Map<String, Set<String>> jdkPackages() {
        return Map.of("java.base", Set.of());
    }
}
