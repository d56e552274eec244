package dev.veil.rules;

import java.util.List;
import java.util.stream.Collectors;

/** A rules file that cannot be used; carries every problem found, in file order. */
public final class RulesException extends Exception {
    private final List<Problem> problems;

    public RulesException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() { return problems; }
}
