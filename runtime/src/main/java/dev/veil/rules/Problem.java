package dev.veil.rules;

/** One error in a rules file, printed as {@code file:line:column: message}. */
public final class Problem {
    private final String file;
    private final int line;
    private final int column;
    private final String message;

    public Problem(String file, int line, int column, String message) {
        this.file = file;
        this.line = line;
        this.column = column;
        this.message = message;
    }

    public String file() { return file; }
    public int line() { return line; }
    public int column() { return column; }
    public String message() { return message; }

    @Override public String toString() { return file + ":" + line + ":" + column + ": " + message; }
}
