package polyhead.experiment;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import polyhead.io.UserText;
import polyhead.mtl.arch.Architecture;
import polyhead.nn.BatchNorm;
import polyhead.nn.LayerNorm;
import polyhead.nn.Module;

/** Which parameters a {@link ParameterGroup} holds, by their place in the architecture or their dotted names. */
public final class Selector {
    @FunctionalInterface
    private interface Resolver {
        Predicate<String> over(Architecture arch);
    }

    private final String description;
    private final Resolver resolver;

    private Selector(String description, Resolver resolver) {
        this.description = description;
        this.resolver = resolver;
    }

    /** The parameters the tasks share (the trunk under hard sharing). */
    public static Selector shared() {
        return new Selector("shared", arch -> arch.sharedParameters().keySet()::contains);
    }

    /** The parameters that belong to task {@code name} alone (its head, tower, gate). */
    public static Selector task(String name) {
        return new Selector("task " + name, arch -> {
            if (!arch.taskParameters().containsKey(name)) {
                throw new IllegalArgumentException("optimizer group: no task " + UserText.quote(name) + "; tasks: " + arch.taskNames());
            }
            return arch.taskParameters().get(name).keySet()::contains;
        });
    }

    /** Every bias, and the scale and shift of batch and layer normalizations: what weight decay usually leaves alone. */
    public static Selector biasesAndNorms() {
        return new Selector("biasesAndNorms", arch -> {
            Set<String> norms = new HashSet<>();
            normParameters(arch, "", norms);
            return name -> name.substring(name.lastIndexOf('.') + 1).equals("bias") || norms.contains(name);
        });
    }

    /**
     * Parameters whose dotted name ({@code trunk.0.weight}, {@code heads.item.bias}) matches {@code pattern}: {@code *}
     * within one part of the name, {@code **} across parts, {@code ?} one character of a part.
     */
    public static Selector names(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("optimizer group: the name pattern is empty");
        }
        Pattern regex = glob(pattern);
        return new Selector("names " + pattern, arch -> name -> regex.matcher(name).matches());
    }

    Predicate<String> over(Architecture arch) {
        return resolver.over(arch);
    }

    @Override
    public String toString() {
        return description;
    }

    static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        Matcher m = Pattern.compile("\\*\\*|\\*|\\?|[^*?]+").matcher(pattern);
        while (m.find()) {
            re.append(switch (m.group()) {
                case "**" -> ".*";
                case "*" -> "[^.]*";
                case "?" -> "[^.]";
                default -> Pattern.quote(m.group());
            });
        }
        return Pattern.compile(re.toString());
    }

    private static void normParameters(Module m, String prefix, Set<String> out) {
        if (m instanceof BatchNorm || m instanceof LayerNorm) {
            m.namedParameters().keySet().forEach(n -> out.add(prefix + n));
            return;
        }
        m.children().forEach((name, child) -> normParameters(child, prefix + name + ".", out));
    }
}
