package dev.veil.jmh;

/** The hello-world JVM whose start-up time {@link StartupOverhead} measures. */
public final class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
