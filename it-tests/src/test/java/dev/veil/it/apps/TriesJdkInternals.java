package dev.veil.it.apps;

/** Whether application code can reach the JDK's internal Unsafe, which Veil uses to define its bridge. */
public final class TriesJdkInternals {
    public static void main(String[] args) throws Exception {
        Object unsafe;
        try {
            unsafe = Class.forName("jdk.internal.misc.Unsafe").getMethod("getUnsafe").invoke(null);
        } catch (IllegalAccessException e) {
            unsafe = null;
        }
        System.out.println(unsafe == null ? "internal Unsafe closed" : "internal Unsafe reachable");
    }
}
