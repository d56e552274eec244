package dev.veil.rules;

/** One entry of a credential's {@code allow:} list: an HTTP or a JDBC destination. */
public interface Grant {
    /** Where in the rules file the grant was written, {@code file:line:column}. */
    String location();
}
