package polyhead.io;

import java.nio.ByteBuffer;

/**
 * The element types of the safetensors format, with their sizes in bytes. Polyhead writes {@link #F32} only and
 * reads the others into float32 as follows:
 * <ul>
 *   <li>exactly: {@code F32}, {@code F16}, {@code BF16} (every half and bfloat16 value is a float32 value),
 *       {@code BOOL} (0 or 1), {@code U8}, {@code I8}, {@code U16}, {@code I16};</li>
 *   <li>exactly, or refused: {@code I32}, {@code U32}, {@code I64}, {@code U64}, whose values must lie in
 *       [-2^24, 2^24], where every integer is a float32; a value outside is an error naming it;</li>
 *   <li>rounded to the nearest float32: {@code F64} (as Java's {@code (float)} cast and PyTorch's {@code .float()}
 *       do); a finite value beyond the float32 range is an error, infinities and NaN are kept;</li>
 *   <li>not at all: {@code F8_E5M2}, {@code F8_E4M3} (recognised, reported as unsupported).</li>
 * </ul>
 */
public enum Dtype {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4), F64(8),
    I64(8), U64(8);

    private static final long EXACT_INT = 1L << 24;

    private final int size;

    Dtype(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** The dtype named {@code name} in a safetensors header, or null if there is none. */
    public static Dtype byName(String name) {
        for (Dtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** Whether {@link #read} can convert this type to float32. */
    public boolean readable() {
        return this != F8_E5M2 && this != F8_E4M3;
    }

    /**
     * Converts {@code count} little-endian elements from {@code in} into {@code out[offset ...]}.
     *
     * @return -1, or the index (relative to {@code offset}) of the first element that cannot be converted
     */
    int read(ByteBuffer in, float[] out, int offset, int count) {
        for (int i = 0; i < count; i++) {
            float v;
            switch (this) {
                case F32 -> v = Float.intBitsToFloat(in.getInt());
                case F16 -> v = halfToFloat(in.getShort());
                case BF16 -> v = Float.intBitsToFloat((in.getShort() & 0xffff) << 16);
                case F64 -> {
                    double d = in.getDouble();
                    v = (float) d;
                    if (Double.isFinite(d) && Float.isInfinite(v)) {
                        return i;
                    }
                }
                case BOOL -> {
                    int b = in.get() & 0xff;
                    if (b > 1) {
                        return i;
                    }
                    v = b;
                }
                case U8 -> v = in.get() & 0xff;
                case I8 -> v = in.get();
                case U16 -> v = in.getShort() & 0xffff;
                case I16 -> v = in.getShort();
                case I32 -> {
                    int x = in.getInt();
                    if (Math.abs((long) x) > EXACT_INT) {
                        return i;
                    }
                    v = x;
                }
                case U32 -> {
                    long x = in.getInt() & 0xffffffffL;
                    if (x > EXACT_INT) {
                        return i;
                    }
                    v = x;
                }
                case I64, U64 -> {
                    long x = in.getLong();
                    // U64 values above 2^63 read as negative longs and fail the same range test
                    if (x > EXACT_INT || x < (this == U64 ? 0 : -EXACT_INT)) {
                        return i;
                    }
                    v = x;
                }
                default -> throw new IllegalStateException(this + " is not readable");
            }
            out[offset + i] = v;
        }
        return -1;
    }

    /** The element at byte {@code at} of {@code in}, as text, for error messages. */
    String describe(ByteBuffer in, int at) {
        return switch (this) {
            case F64 -> Double.toString(in.getDouble(at));
            case I32 -> Integer.toString(in.getInt(at));
            case U32 -> Integer.toUnsignedString(in.getInt(at));
            case I64 -> Long.toString(in.getLong(at));
            case U64 -> Long.toUnsignedString(in.getLong(at));
            default -> Integer.toString(in.get(at) & 0xff);
        };
    }

    /** IEEE 754 binary16 to binary32; exact, including subnormals, infinities and NaN payloads. */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal: mant * 2^-24, exact in float32
            float m = mant * 0x1p-24f;
            return sign == 0 ? m : -m;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
