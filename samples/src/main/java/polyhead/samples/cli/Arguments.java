package polyhead.samples.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parsed options of a {@link CommandLine}: typed values, falling back to each option's declared default. Every
 * conversion error is an {@link IllegalArgumentException} naming the option and the value.
 */
public final class Arguments {
    private final Map<String, CommandLine.Option> declared;
    private final Map<String, String> given;
    private final boolean help;

    Arguments(Map<String, CommandLine.Option> declared, Map<String, String> given, boolean help) {
        this.declared = declared;
        this.given = given;
        this.help = help;
    }

    /** Whether {@code --help} was given. */
    public boolean help() {
        return help;
    }

    /** Whether the option was given on the command line (not just defaulted). */
    public boolean given(String name) {
        option(name);
        return given.containsKey(name);
    }

    /** The value given, else the default; null if neither. */
    public String string(String name) {
        CommandLine.Option o = option(name);
        return given.containsKey(name) ? given.get(name) : o.defaultValue();
    }

    /** The value as a path, or null if unset. */
    public Path path(String name) {
        String v = string(name);
        return v == null ? null : Path.of(v);
    }

    public boolean flag(String name) {
        if (!option(name).isFlag()) {
            throw new IllegalStateException(name + " is not a flag");
        }
        return given.containsKey(name);
    }

    /** An integer ≥ {@code min}. */
    public int integer(String name, int min) {
        String v = required(name);
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw notA(name, v, "an integer");
        }
        if (n < min) {
            throw new IllegalArgumentException("option " + name + " must be at least " + min + ", got " + n);
        }
        return n;
    }

    public long longValue(String name) {
        String v = required(name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw notA(name, v, "an integer");
        }
    }

    /** A finite number greater than 0. */
    public double positive(String name) {
        double d = number(name);
        if (!(d > 0)) {
            throw new IllegalArgumentException("option " + name + " must be > 0, got " + string(name));
        }
        return d;
    }

    /** A finite number. */
    public double number(String name) {
        String v = required(name);
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw notA(name, v, "a number");
        }
        if (!Double.isFinite(d)) {
            throw notA(name, v, "a finite number");
        }
        return d;
    }

    /** A comma-separated list of numbers. */
    public List<Double> numbers(String name) {
        List<Double> out = new ArrayList<>();
        for (String s : list(name)) {
            try {
                out.add(Double.parseDouble(s));
            } catch (NumberFormatException e) {
                throw notA(name, s, "a number");
            }
        }
        return out;
    }

    /** A non-empty comma-separated list, each entry one of {@code allowed} (none given: anything goes). */
    public List<String> list(String name, String... allowed) {
        List<String> out = new ArrayList<>();
        for (String s : required(name).split(",")) {
            String t = s.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (allowed.length > 0 && !List.of(allowed).contains(t)) {
                throw new IllegalArgumentException("option " + name + ": unknown value '" + t + "'; choose from "
                        + String.join(", ", allowed));
            }
            if (!out.contains(t)) {
                out.add(t);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("option " + name + " needs at least one value");
        }
        return out;
    }

    /** One of {@code allowed}. */
    public String choice(String name, String... allowed) {
        String v = required(name);
        if (!List.of(allowed).contains(v)) {
            throw new IllegalArgumentException("option " + name + ": unknown value '" + v + "'; choose from "
                    + String.join(", ", allowed));
        }
        return v;
    }

    private String required(String name) {
        String v = string(name);
        if (v == null) {
            throw new IllegalArgumentException("option " + name + " is required (see --help)");
        }
        return v;
    }

    private CommandLine.Option option(String name) {
        CommandLine.Option o = declared.get(name);
        if (o == null) {
            throw new IllegalStateException("option " + name + " is not declared");
        }
        return o;
    }

    private static IllegalArgumentException notA(String name, String value, String what) {
        return new IllegalArgumentException("option " + name + ": '" + value + "' is not " + what);
    }
}
