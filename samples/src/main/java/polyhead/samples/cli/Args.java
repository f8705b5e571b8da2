package polyhead.samples.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's arguments: {@code --name value} options, {@code --flag} switches and positional arguments, in any
 * order. Unknown options, a missing value or a malformed number are usage errors (exit code 2).
 */
final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final List<String> positionals = new ArrayList<>();

    /**
     * @param valueOptions the options that take a value, e.g. {@code --out}
     * @param flagOptions the switches, e.g. {@code --quiet}
     */
    static Args parse(List<String> args, Set<String> valueOptions, Set<String> flagOptions) {
        Args a = new Args();
        for (int i = 0; i < args.size(); i++) {
            String s = args.get(i);
            if (flagOptions.contains(s)) {
                a.flags.add(s);
            } else if (valueOptions.contains(s)) {
                if (i + 1 >= args.size()) {
                    throw UserError.usage("option " + s + " needs a value");
                }
                a.values.put(s, args.get(++i));
            } else if (s.startsWith("--") && s.contains("=") && valueOptions.contains(s.substring(0, s.indexOf('=')))) {
                a.values.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
            } else if (s.startsWith("-") && s.length() > 1) {
                throw UserError.usage("unknown option " + s);
            } else {
                a.positionals.add(s);
            }
        }
        return a;
    }

    boolean has(String flag) {
        return flags.contains(flag);
    }

    String value(String option) {
        return values.get(option);
    }

    List<String> positionals() {
        return positionals;
    }

    /** The option's value as a whole number of at least {@code min}, or null when absent. */
    Long number(String option, long min) {
        String v = values.get(option);
        if (v == null) {
            return null;
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw UserError.usage("option " + option + ": '" + v + "' is not a whole number");
        }
        if (n < min) {
            throw UserError.usage("option " + option + " must be at least " + min + ", got " + n);
        }
        return n;
    }
}
