package polyhead.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;
import polyhead.io.Json;

/**
 * Reference fixtures from the test classpath (written by {@code reference/generate_reference.py}): loading them,
 * walking their JSON, turning {@code {"shape": [..], "data": [..]}} nodes into tensors, and comparing results with
 * them.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /**
     * Parses a JSON resource of the test classpath, e.g. {@code "/reference/losses.json"}, gunzipping names that end
     * in {@code .gz}; it must be an object.
     */
    public static Map<String, Object> load(String resource) {
        try (InputStream raw = Fixtures.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalStateException("fixture " + resource + " is not on the test classpath");
            }
            InputStream in = resource.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            Object root = Json.parseWithNonFiniteTokens(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
            return object(numbersAsDoubles(root), resource);
        } catch (IOException e) {
            throw new UncheckedIOException("reading fixture " + resource, e);
        }
    }

    /**
     * {@code node} with every number as a {@code Double}: the reference scripts write Python's ints and floats alike,
     * and the tests compare them with Polyhead's doubles.
     */
    private static Object numbersAsDoubles(Object node) {
        if (node instanceof Number n) {
            return n.doubleValue();
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(numbersAsDoubles(v)));
            return out;
        }
        if (node instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, numbersAsDoubles(v)));
            return out;
        }
        return node;
    }

    /** The node at {@code path} below {@code node}, through object keys; a missing key fails naming the path. */
    public static Object get(Object node, String... path) {
        Object cur = node;
        StringBuilder at = new StringBuilder();
        for (String key : path) {
            Map<String, Object> map = object(cur, at.length() == 0 ? "root" : at.toString());
            at.append(at.length() == 0 ? "" : ".").append(key);
            if (!map.containsKey(key)) {
                throw new IllegalArgumentException("fixture has no " + at + " (keys: " + map.keySet() + ")");
            }
            cur = map.get(key);
        }
        return cur;
    }

    /** {@code node} as a JSON object; {@code what} names it in the error otherwise. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object node, String what) {
        if (!(node instanceof Map)) {
            throw new IllegalArgumentException(what + " is not a JSON object: " + brief(node));
        }
        return (Map<String, Object>) node;
    }

    /** {@code node} as a JSON array; {@code what} names it in the error otherwise. */
    @SuppressWarnings("unchecked")
    public static List<Object> list(Object node, String what) {
        if (!(node instanceof List)) {
            throw new IllegalArgumentException(what + " is not a JSON array: " + brief(node));
        }
        return (List<Object>) node;
    }

    /** {@code node} as a number. */
    public static double number(Object node, String what) {
        if (!(node instanceof Number n)) {
            throw new IllegalArgumentException(what + " is not a JSON number: " + brief(node));
        }
        return n.doubleValue();
    }

    /** The shape of a tensor node. */
    public static Shape shape(Object tensorNode) {
        List<Object> dims = list(get(tensorNode, "shape"), "shape");
        int[] d = new int[dims.size()];
        for (int i = 0; i < d.length; i++) {
            double v = number(dims.get(i), "shape[" + i + "]");
            if (v != Math.rint(v) || v < 0 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape[" + i + "] = " + v + " is not a dimension");
            }
            d[i] = (int) v;
        }
        return Shape.of(d);
    }

    /** The data of a tensor node in double, checked against its shape. */
    public static double[] doubles(Object tensorNode) {
        Shape shape = shape(tensorNode);
        List<Object> data = list(get(tensorNode, "data"), "data");
        if (data.size() != shape.size()) {
            throw new IllegalArgumentException("tensor of shape " + shape + " has " + data.size() + " values");
        }
        double[] r = new double[data.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = number(data.get(i), "data[" + i + "]");
        }
        return r;
    }

    /** A tensor node as a float32 tensor (values rounded to the nearest float). */
    public static Tensor tensor(Object tensorNode) {
        double[] d = doubles(tensorNode);
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        return Tensor.wrap(shape(tensorNode), f);
    }

    /**
     * Asserts that {@code actual} has the reference's shape and that every element a satisfies
     * {@code |a − b| ≤ rtol·(|b| + max|b|)}, with b the reference element and max|b| taken over the whole reference
     * tensor (so elements near 0 are judged on the tensor's scale). NaN never passes.
     */
    public static void assertClose(String what, Tensor actual, Object expectedNode, double rtol) {
        Shape shape = shape(expectedNode);
        if (!actual.shape().equals(shape)) {
            throw new AssertionError(what + ": shape " + actual.shape() + ", expected " + shape);
        }
        double[] b = doubles(expectedNode);
        double scale = 0;
        for (double v : b) {
            scale = Math.max(scale, Math.abs(v));
        }
        float[] a = actual.data();
        for (int i = 0; i < b.length; i++) {
            double err = Math.abs(a[i] - b[i]);
            double allowed = rtol * (Math.abs(b[i]) + scale);
            if (!(err <= allowed)) {
                throw new AssertionError(what + ": element " + i + " of " + shape + " is " + a[i] + ", expected "
                        + b[i] + " (|diff| " + err + " > allowed " + allowed + ")");
            }
        }
    }

    /** {@link #assertClose(String, Tensor, Object, double)} against a tensor instead of a reference node. */
    public static void assertClose(String what, Tensor actual, Tensor expected, double rtol) {
        if (!actual.shape().equals(expected.shape())) {
            throw new AssertionError(what + ": shape " + actual.shape() + ", expected " + expected.shape());
        }
        float[] a = actual.data();
        float[] b = expected.data();
        double scale = expected.maxAbs();
        for (int i = 0; i < b.length; i++) {
            double err = Math.abs((double) a[i] - b[i]);
            double allowed = rtol * (Math.abs(b[i]) + scale);
            if (!(err <= allowed)) {
                throw new AssertionError(what + ": element " + i + " of " + expected.shape() + " is " + a[i]
                        + ", expected " + b[i] + " (|diff| " + err + " > allowed " + allowed + ")");
            }
        }
    }

    private static String brief(Object node) {
        String s = String.valueOf(node);
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
