package polyhead.data;

import java.util.Arrays;
import java.util.TreeSet;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * How a derived task's labels follow from another task's class indices: class → group ({@link ToGroup}, a table of
 * group indices) or class → binary ({@link ToBinary}, a set of positive classes). A sample whose source label is
 * missing has no derived label either (mask 0).
 */
public sealed interface LabelMapping permits LabelMapping.ToGroup, LabelMapping.ToBinary {
    /** The labels the mapping gives: class indices for groups, one 0/1 label for binary. */
    LabelType labelType();

    /**
     * Why this mapping cannot read a source of {@code classes} classes (it must name a value for every class and no
     * class beyond), or null.
     */
    String coverage(int classes);

    /** The per-sample shape of what the derived task's head must output: [groups] or [1]. */
    int[] headOutput();

    /**
     * The derived targets of source class indices {@code source} [N] (read where {@code mask} is 1; 0 elsewhere):
     * [N] group indices, or [N, 1] of 0/1.
     *
     * @throws IllegalArgumentException naming the row of a labelled source value that is not a class the mapping covers
     */
    Tensor apply(Tensor source, Tensor mask);

    /** Calls {@code each} with every labelled row and its source class, which must be an integer in [0, classes). */
    private static void eachLabelled(Tensor source, Tensor mask, int classes, java.util.function.BiConsumer<Integer, Integer> each) {
        if (source.rank() != 1) {
            throw new IllegalArgumentException("a label mapping reads class indices [N], got targets " + source.shape());
        }
        float[] s = source.data();
        float[] m = mask.data();
        for (int i = 0; i < s.length; i++) {
            if (m[i] == 0) {
                continue;
            }
            float c = s[i];
            if (!(c >= 0 && c < classes && c == Math.rint(c))) {
                throw new IllegalArgumentException("row " + i + " has class " + c + ", which the mapping does not cover"
                        + (classes == Integer.MAX_VALUE ? "" : " (classes 0.." + (classes - 1) + ")"));
            }
            each.accept(i, (int) c);
        }
    }

    /** Class c belongs to group {@code groups[c]}; groups are 0..G−1, G = the largest + 1. */
    static ToGroup toGroup(int... groups) {
        return new ToGroup(groups);
    }

    /** Classes in {@code positives} are 1, every other class 0. */
    static ToBinary toBinary(int... positives) {
        return new ToBinary(positives);
    }

    /** Class → group, by a table with one group index per source class. */
    record ToGroup(int[] groups) implements LabelMapping {
        public ToGroup {
            if (groups.length == 0) {
                throw new IllegalArgumentException("a class → group mapping needs one group per class, got none");
            }
            for (int c = 0; c < groups.length; c++) {
                if (groups[c] < 0) {
                    throw new IllegalArgumentException("class → group mapping: class " + c + " maps to group "
                            + groups[c] + "; groups are indices >= 0");
                }
            }
            groups = groups.clone();
        }

        @Override
        public int[] groups() {
            return groups.clone();
        }

        /** G, the number of groups: the largest group index + 1. */
        public int groupCount() {
            return Arrays.stream(groups).max().orElse(-1) + 1;
        }

        @Override
        public LabelType labelType() {
            return LabelType.CLASS_INDEX;
        }

        @Override
        public String coverage(int classes) {
            return groups.length == classes ? null : "the mapping gives groups for " + groups.length
                    + " classes, but the source has " + classes + " (one group per class)";
        }

        @Override
        public int[] headOutput() {
            return new int[] {groupCount()};
        }

        @Override
        public Tensor apply(Tensor source, Tensor mask) {
            float[] out = new float[source.size()];
            eachLabelled(source, mask, groups.length, (i, c) -> out[i] = groups[c]);
            return Tensor.wrap(source.shape(), out);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ToGroup g && Arrays.equals(g.groups, groups);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(groups);
        }

        @Override
        public String toString() {
            return "toGroup" + Arrays.toString(groups);
        }
    }

    /** Class → binary: 1 for the positive classes, 0 for the others. */
    record ToBinary(int[] positives) implements LabelMapping {
        public ToBinary {
            if (positives.length == 0) {
                throw new IllegalArgumentException("a class → binary mapping needs at least one positive class");
            }
            TreeSet<Integer> seen = new TreeSet<>();
            for (int c : positives) {
                if (c < 0 || !seen.add(c)) {
                    throw new IllegalArgumentException("class → binary mapping: positive class " + c
                            + (c < 0 ? " is not a class index" : " is listed twice"));
                }
            }
            positives = seen.stream().mapToInt(Integer::intValue).toArray();
        }

        @Override
        public int[] positives() {
            return positives.clone();
        }

        @Override
        public LabelType labelType() {
            return LabelType.BINARY;
        }

        @Override
        public String coverage(int classes) {
            int last = positives[positives.length - 1];
            return last < classes ? null : "positive class " + last + " is not a class of the source (0.." + (classes - 1) + ")";
        }

        @Override
        public int[] headOutput() {
            return new int[] {1};
        }

        @Override
        public Tensor apply(Tensor source, Tensor mask) {
            float[] out = new float[source.size()];
            eachLabelled(source, mask, Integer.MAX_VALUE, (i, c) -> out[i] = Arrays.binarySearch(positives, c) >= 0 ? 1 : 0);
            return Tensor.wrap(Shape.of(source.size(), 1), out);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ToBinary b && Arrays.equals(b.positives, positives);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(positives);
        }

        @Override
        public String toString() {
            return "toBinary" + Arrays.toString(positives);
        }
    }
}
