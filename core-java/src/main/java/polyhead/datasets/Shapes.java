package polyhead.datasets;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import polyhead.data.Dataset;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * Images of one shape each, for joint classification and segmentation. Inputs [N, 1, H, W]: background 0, the
 * shape's pixels one intensity drawn from U[0.5, 1), plus N(0, σ²) noise on every pixel. Two tasks:
 * <ul>
 *   <li>{@value #SHAPE}: the shape's class index {@link Kind#ordinal()} (CLASS_INDEX, targets [N], {@value #CLASSES}
 *       classes, drawn uniformly);</li>
 *   <li>{@value #MASK}: a per-pixel class map (PIXEL_CLASS_MAP, targets [N, H, W], {@value #MASK_CLASSES} classes):
 *       0 for background and 1 + the shape's class on the pixels the shape covers — so the map alone also tells the
 *       class; a binary foreground mask is {@code mask > 0}.</li>
 * </ul>
 *
 * <p>A shape of size r centred at pixel (row, col) covers pixel (row + dy, col + dx) when: circle dy² + dx² ≤ r²;
 * square |dy|, |dx| ≤ ⌊4r/5⌋; upward triangle −r ≤ dy ≤ r and 2|dx| ≤ dy + r; cross (|dx| ≤ t, |dy| ≤ r) or
 * (|dy| ≤ t, |dx| ≤ r) with t = max(1, ⌊r/4⌋). The four cover similar areas at equal r. r is uniform in
 * [max(2, ⌊s/8⌋), max(3, ⌊s/4⌋)] for the smaller side s (4–8 px at 32×32), the centre uniform among positions where
 * the whole shape fits.
 */
public final class Shapes {
    public static final String SHAPE = "shape";
    public static final String MASK = "mask";
    public static final int CLASSES = 4;
    public static final int MASK_CLASSES = CLASSES + 1;

    /** The shapes; class index = ordinal, mask value = 1 + ordinal. */
    public enum Kind { CIRCLE, SQUARE, TRIANGLE, CROSS }

    /** Image size and noise. */
    public record Options(int height, int width, double noiseStd) {
        /** 32×32, σ = 0.1. */
        public static final Options DEFAULT = new Options(32, 32, 0.1);

        public Options {
            if (height < 8 || width < 8) {
                throw new IllegalArgumentException("shape images must be at least 8x8, got " + height + "x" + width);
            }
            if (!(noiseStd >= 0)) {
                throw new IllegalArgumentException("noise standard deviation must be >= 0, got " + noiseStd);
            }
        }

        int minRadius() {
            return Math.max(2, Math.min(height, width) / 8);
        }

        int maxRadius() {
            return Math.max(3, Math.min(height, width) / 4);
        }
    }

    /** What one image shows: a shape, its centre, its size r and its intensity. */
    public record Drawing(Kind kind, int row, int col, int radius, float intensity) {
    }

    private Shapes() {
    }

    /** {@code n} images of {@link Options#DEFAULT}. */
    public static Dataset generate(int n, long seed) {
        return generate(n, Options.DEFAULT, seed);
    }

    public static Dataset generate(int n, Options o, long seed) {
        if (n <= 0) {
            throw new IllegalArgumentException("number of images must be positive, got " + n);
        }
        Random rng = new Random(seed);
        int h = o.height();
        int w = o.width();
        float[] images = new float[n * h * w];
        float[] masks = new float[n * h * w];
        float[] classes = new float[n];
        for (int i = 0; i < n; i++) {
            Drawing d = draw(rng, o);
            classes[i] = d.kind().ordinal();
            int base = i * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean in = covers(d.kind(), y - d.row(), x - d.col(), d.radius());
                    masks[base + y * w + x] = in ? 1 + d.kind().ordinal() : 0;
                    images[base + y * w + x] = (in ? d.intensity() : 0f) + (float) (o.noiseStd() * rng.nextGaussian());
                }
            }
        }
        Map<String, Tensor> targets = new LinkedHashMap<>();
        targets.put(SHAPE, Tensor.wrap(Shape.of(n), classes));
        targets.put(MASK, Tensor.wrap(Shape.of(n, h, w), masks));
        return Dataset.of(Tensor.wrap(Shape.of(n, 1, h, w), images), targets);
    }

    private static Drawing draw(Random rng, Options o) {
        Kind kind = Kind.values()[rng.nextInt(CLASSES)];
        int r = o.minRadius() + rng.nextInt(o.maxRadius() - o.minRadius() + 1);
        int row = r + rng.nextInt(o.height() - 2 * r);
        int col = r + rng.nextInt(o.width() - 2 * r);
        float intensity = 0.5f + 0.5f * rng.nextFloat();
        return new Drawing(kind, row, col, r, intensity);
    }

    /** Whether a {@code kind} of size {@code r} covers the pixel at offset (dy, dx) from its centre. */
    public static boolean covers(Kind kind, int dy, int dx, int r) {
        int ady = Math.abs(dy);
        int adx = Math.abs(dx);
        return switch (kind) {
            case CIRCLE -> dy * dy + dx * dx <= r * r;
            case SQUARE -> ady <= 4 * r / 5 && adx <= 4 * r / 5;
            case TRIANGLE -> dy >= -r && dy <= r && 2 * adx <= dy + r;
            case CROSS -> {
                int t = Math.max(1, r / 4);
                yield adx <= t && ady <= r || ady <= t && adx <= r;
            }
        };
    }
}
