package polyhead;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The layering of DESIGN.md, read from the main sources of every module of the repository: which package refers to
 * which (imports, static imports and fully qualified names in code; comments do not count), and no circle between
 * packages but the one between {@code Var} and its primitives ({@code polyhead.autodiff} ↔
 * {@code polyhead.autodiff.ops}). Also the rules that keep modules apart: only the tensor package sees EJML, the
 * DSL's spec package is pure data with no core import, and every package has a {@code package-info.java} (Java) or a
 * package comment file (Kotlin packages are exempt: Kotlin has no package-info).
 */
class LayeringTest {
    /** The repository root: this test runs in core-java/. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Set<Set<String>> ALLOWED_CYCLES = Set.of(Set.of("polyhead.autodiff", "polyhead.autodiff.ops"));
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\b(polyhead(?:\\.[a-z]\\w*)+)\\.[A-Z]");

    /** Package → the packages it refers to → one file that does so (for the failure message). */
    private static Map<String, Map<String, String>> graph() {
        Map<String, Map<String, String>> g = new TreeMap<>();
        for (Path file : mainSources()) {
            String text = withoutComments(read(file));
            Matcher p = PACKAGE.matcher(text);
            if (!p.find()) {
                continue;
            }
            String from = p.group(1);
            Map<String, String> edges = g.computeIfAbsent(from, k -> new TreeMap<>());
            List<String> targets = new ArrayList<>();
            Matcher i = IMPORT.matcher(text);
            while (i.find()) {
                targets.add(packageOf(i.group(1)));
            }
            Matcher q = QUALIFIED.matcher(text.replaceAll("(?m)^(import|package)\\s.*$", ""));
            while (q.find()) {
                targets.add(q.group(1));
            }
            for (String to : targets) {
                if (to.startsWith("polyhead") && !to.equals(from)) {
                    edges.putIfAbsent(to, ROOT.relativize(file).toString());
                }
            }
        }
        return g;
    }

    @Test
    void noCircleBetweenPackagesButVarAndItsPrimitives() {
        Map<String, Map<String, String>> g = graph();
        assertTrue(g.size() > 20, "read only " + g.size() + " packages under " + ROOT);
        List<String> faults = new ArrayList<>();
        for (Set<String> component : stronglyConnected(g)) {
            if (component.size() > 1 && !ALLOWED_CYCLES.contains(component)) {
                StringBuilder why = new StringBuilder("circle between " + new TreeSet<>(component) + ":");
                for (String a : new TreeSet<>(component)) {
                    g.get(a).forEach((b, file) -> {
                        if (component.contains(b)) {
                            why.append("\n  ").append(a).append(" -> ").append(b).append(" (").append(file).append(')');
                        }
                    });
                }
                faults.add(why.toString());
            }
        }
        assertEquals(List.of(), faults);
    }

    @Test
    void theModulesKeepTheirBoundaries() {
        List<String> faults = new ArrayList<>();
        graph().forEach((from, edges) -> edges.forEach((to, file) -> {
            if (from.startsWith("polyhead.dsl.spec") && !to.startsWith("polyhead.dsl.spec")) {
                faults.add(file + ": the spec package is pure data, but refers to " + to);
            }
        }));
        for (Path file : mainSources()) {
            String text = withoutComments(read(file));
            if (text.contains("org.ejml") && !file.toString().contains("/polyhead/tensor/")) {
                faults.add(ROOT.relativize(file) + ": EJML outside polyhead.tensor");
            }
        }
        assertEquals(List.of(), faults);
    }

    @Test
    void everyJavaPackageSaysWhatItHolds() {
        Set<Path> folders = new TreeSet<>();
        for (Path file : mainSources()) {
            if (file.toString().endsWith(".java")) {
                folders.add(file.getParent());
            }
        }
        List<String> missing = folders.stream().filter(d -> !Files.isRegularFile(d.resolve("package-info.java")))
                .map(d -> ROOT.relativize(d).toString()).toList();
        assertEquals(List.of(), missing, "folders of Java sources without a package-info.java");
    }

    /** Tarjan's algorithm, iteratively, over the packages of {@code g}. */
    static List<Set<String>> stronglyConnected(Map<String, Map<String, String>> g) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String start : g.keySet()) {
            if (index.containsKey(start)) {
                continue;
            }
            Deque<Map.Entry<String, java.util.Iterator<String>>> work = new ArrayDeque<>();
            visit(start, index, low, stack, onStack, counter);
            work.push(Map.entry(start, g.getOrDefault(start, Map.of()).keySet().iterator()));
            while (!work.isEmpty()) {
                var top = work.peek();
                String v = top.getKey();
                if (top.getValue().hasNext()) {
                    String w = top.getValue().next();
                    if (!index.containsKey(w)) {
                        visit(w, index, low, stack, onStack, counter);
                        work.push(Map.entry(w, g.getOrDefault(w, Map.of()).keySet().iterator()));
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                } else {
                    work.pop();
                    if (!work.isEmpty()) {
                        String parent = work.peek().getKey();
                        low.put(parent, Math.min(low.get(parent), low.get(v)));
                    }
                    if (low.get(v).equals(index.get(v))) {
                        Set<String> component = new TreeSet<>();
                        String w;
                        do {
                            w = stack.pop();
                            onStack.remove(w);
                            component.add(w);
                        } while (!w.equals(v));
                        out.add(component);
                    }
                }
            }
        }
        return out;
    }

    private static void visit(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                              Set<String> onStack, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
    }

    @Test
    void theCircleCheckFindsACircle() {
        Map<String, Map<String, String>> g = new TreeMap<>();
        g.put("a", Map.of("b", "f"));
        g.put("b", Map.of("c", "f"));
        g.put("c", Map.of("a", "f", "d", "f"));
        g.put("d", Map.of());
        List<Set<String>> components = stronglyConnected(g);
        assertTrue(components.contains(Set.of("a", "b", "c")), components.toString());
        assertTrue(components.contains(Set.of("d")), components.toString());
    }

    /** The package of an imported name: the part before the first capitalized segment. */
    private static String packageOf(String imported) {
        String[] parts = imported.split("\\.");
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            if (part.isEmpty() || Character.isUpperCase(part.charAt(0))) {
                break;
            }
            sb.append(sb.length() == 0 ? "" : ".").append(part);
        }
        return sb.toString();
    }

    private static List<Path> mainSources() {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path module : modules.filter(Files::isDirectory).toList()) {
                for (String lang : new String[] {"java", "kotlin"}) {
                    Path dir = module.resolve("src/main/" + lang);
                    if (Files.isDirectory(dir)) {
                        try (Stream<Path> s = Files.walk(dir)) {
                            s.filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".kt"))
                                    .forEach(files::add);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text without block and line comments (string literals are not parsed; none of ours holds a comment). */
    private static String withoutComments(String text) {
        return text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//.*$", "");
    }
}
