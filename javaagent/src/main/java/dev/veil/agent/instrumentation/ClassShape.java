package dev.veil.agent.instrumentation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/** What the transformer needs of a class about to load: its superclass and the concrete methods it declares. */
public final class ClassShape extends ClassVisitor {
    private String superName;
    private final List<String> names = new ArrayList<>();
    private final List<String> descriptors = new ArrayList<>();
    private final Set<String> concrete = new HashSet<>();

    private ClassShape() {
        super(Opcodes.ASM9);
    }

    static ClassShape of(byte[] classFile) {
        ClassShape shape = new ClassShape();
        new ClassReader(classFile).accept(shape, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return shape;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        this.superName = superName;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        names.add(name);
        descriptors.add(descriptor);
        if ((access & Opcodes.ACC_ABSTRACT) == 0) concrete.add(name + descriptor);
        return null;
    }

    /** Internal name of the superclass; null for Object and module-info. */
    public String superName() { return superName; }

    /** How many methods it declares, abstract or not. */
    int methods() { return names.size(); }

    String methodName(int i) { return names.get(i); }

    String methodDescriptor(int i) { return descriptors.get(i); }

    /** Whether it declares a concrete method among {@code namesAndDescriptors}, e.g. {@code getMessage()Ljava/lang/String;}. */
    public boolean declaresAny(Set<String> namesAndDescriptors) {
        for (String m : concrete) {
            if (namesAndDescriptors.contains(m)) return true;
        }
        return false;
    }
}
