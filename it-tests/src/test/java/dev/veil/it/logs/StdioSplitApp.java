package dev.veil.it.logs;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Child application: prints secrets split between two flushed writes of one line, through stdout and stderr,
 * their byte and char paths, and streams captured before the agent started. With {@code wait}, it captures
 * its streams, prints "ready" and waits for a line on stdin (the test attaches the agent meanwhile). Each line
 * is {@code case <n> [<secret>] end}; the secret's two halves go out in separate, flushed writes.
 */
public final class StdioSplitApp {
    public static final String PLACEHOLDER = "veil:split";
    public static final String VALUE = "Qx7/vR2+mK9tL4pW8zN";
    /** Each secret and what must stand in its place. */
    public static final String[][] SECRETS = {
        {"ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5", "[REDACTED:github-pat]"},
        {"AKIAQ3EGRZ7UVWXY2345", "[REDACTED:aws-access-key-id]"},
        {"sk-proj-" + "Tz4kQ9wLm2Xc".repeat(4), "[REDACTED:openai-api-key]"},
        {VALUE, PLACEHOLDER},
    };
    /** Where a secret is cut: inside its first chars (a keyword's start) and in its middle. */
    public static final int[] CUTS = {2, 11};
    public static final List<String> STREAMS = List.of("out-chars", "err-chars", "out-bytes", "err-bytes", "early-out", "early-err", "writer");

    public static void main(String[] args) throws Exception {
        // Opened before the agent when the test attaches it later; System.out and System.err always are.
        PrintStream earlyOut = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream earlyErr = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        PrintWriter writer = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        if (args.length > 0 && args[0].equals("wait")) {
            System.out.println("ready");
            new BufferedReader(new InputStreamReader(System.in)).readLine();
        }
        Object bridge = Class.forName("dev.veil.agent.bootstrap.Bridge", true, null)
                .getMethod("http", String.class, String.class, String.class, String.class)
                .invoke(null, "GET", "https://api.example.test/v1/models", "header", PLACEHOLDER);
        if (!VALUE.equals(bridge)) throw new IllegalStateException("the value was not injected");
        int n = 0;
        for (String stream : STREAMS) {
            for (String[] secret : SECRETS) {
                for (int cut : CUTS) {
                    String first = "case " + n++ + " [" + secret[0].substring(0, cut);
                    String second = secret[0].substring(cut) + "] end\n";
                    for (String part : new String[] {first, second}) {
                        switch (stream) {
                            case "out-chars" -> System.out.print(part);
                            case "err-chars" -> System.err.print(part);
                            case "out-bytes" -> { System.out.write(part.getBytes(StandardCharsets.UTF_8)); System.out.flush(); }
                            case "err-bytes" -> { System.err.write(part.getBytes(StandardCharsets.UTF_8)); System.err.flush(); }
                            case "early-out" -> earlyOut.print(part);
                            case "early-err" -> earlyErr.print(part);
                            case "writer" -> { writer.print(part); writer.flush(); }
                            default -> throw new IllegalArgumentException(stream);
                        }
                    }
                }
            }
        }
        System.out.println("done " + n);
    }

    /** The cases in order: stream, secret index, cut; the case number is the index in this list. */
    public static List<Object[]> cases() {
        List<Object[]> out = new ArrayList<>();
        for (String stream : STREAMS) {
            for (int s = 0; s < SECRETS.length; s++) {
                for (int cut : CUTS) out.add(new Object[] {stream, s, cut});
            }
        }
        return out;
    }
}
