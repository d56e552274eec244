package dev.veil.it.apps;

/** The smallest application a child JVM runs with the agent attached. */
public final class Hello {
    public static void main(String[] args) {
        System.out.println("hello from the application");
    }
}
