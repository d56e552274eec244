package dev.veil.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** A command failed in a way the user can fix; the message says what and what to do. */
final class CliProblem extends RuntimeException {
    CliProblem(String message) {
        super(message);
    }

    /** One line for any failure, naming files without echoing content. */
    static String describe(Exception e) {
        if (e instanceof CliProblem) return e.getMessage();
        if (e instanceof NoSuchFileException) return "no such file: " + ((NoSuchFileException) e).getFile();
        if (e instanceof AccessDeniedException) return "permission denied: " + ((AccessDeniedException) e).getFile();
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
