package polyhead.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.io.Safetensors.Contents;
import polyhead.io.Safetensors.Entry;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * Parses and validates a safetensors file from any random-access byte source. Every length in the file is checked
 * against the source's size before anything of that length is allocated, so a hostile file costs at most its own size
 * in memory. Every fault is a {@link FormatException} whose message names the source and the fault.
 */
final class SafetensorsReader {
    /** The reference implementation's limit on the header, which we share. */
    static final long MAX_HEADER_BYTES = 100_000_000;
    private static final int CHUNK = 1 << 20;

    /** Random access to the bytes of a file or an array. */
    interface Source {
        long size() throws IOException;

        /** Fills {@code dst} from byte {@code position}; fails with an EOFException if the source ends first. */
        void readFully(long position, ByteBuffer dst) throws IOException;

        static Source of(FileChannel ch) {
            return new Source() {
                @Override
                public long size() throws IOException {
                    return ch.size();
                }

                @Override
                public void readFully(long position, ByteBuffer dst) throws IOException {
                    while (dst.hasRemaining()) {
                        int n = ch.read(dst, position);
                        if (n < 0) {
                            throw new EOFException();
                        }
                        position += n;
                    }
                }
            };
        }

        static Source of(byte[] bytes) {
            return new Source() {
                @Override
                public long size() {
                    return bytes.length;
                }

                @Override
                public void readFully(long position, ByteBuffer dst) throws EOFException {
                    if (position + dst.remaining() > bytes.length) {
                        throw new EOFException();
                    }
                    dst.put(bytes, (int) position, dst.remaining());
                }
            };
        }
    }

    private final Source src;
    private final String name;

    private SafetensorsReader(Source src, String name) {
        this.src = src;
        this.name = name;
    }

    /** The header of {@code src}, validated against its size. */
    static Header header(Source src, String name) throws IOException {
        return new SafetensorsReader(src, name).header();
    }

    /** Header and tensors of {@code src}; tensors in the order of their data in the file. */
    static Contents read(Source src, String name) throws IOException {
        SafetensorsReader r = new SafetensorsReader(src, name);
        Header h = r.header();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Dtype> dtypes = new LinkedHashMap<>();
        for (Entry e : h.entries()) {
            tensors.put(e.name(), r.tensor(h, e));
            dtypes.put(e.name(), e.dtype());
        }
        return new Contents(tensors, h.metadata(), dtypes);
    }

    /** A validated header: entries in data order, the metadata, and where the data buffer starts. */
    record Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {
    }

    private Header header() throws IOException {
        long size = src.size();
        if (size < 8) {
            throw fault("file has " + size + " bytes, fewer than the 8 of the header length");
        }
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        src.readFully(0, len);
        long n = len.getLong(0);
        if (n < 0 || n > size - 8) {
            throw fault("header length " + Long.toUnsignedString(n) + " exceeds file size " + size);
        }
        if (n > MAX_HEADER_BYTES) {
            throw fault("header length " + n + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n < 2) {
            throw fault("header length " + n + " is too short for a JSON object");
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) n);
        src.readFully(8, bytes);
        bytes.flip();
        Object root = Json.parse(utf8(bytes), name + ": header");
        if (!(root instanceof Map<?, ?> map)) {
            throw fault("header must be a JSON object, got " + kind(root));
        }
        long bufferSize = size - 8 - n;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = (String) e.getKey();
            if (key.equals("__metadata__")) {
                metadata(e.getValue(), metadata);
            } else {
                entries.add(entry(key, e.getValue(), bufferSize));
            }
        }
        checkCoverage(entries, bufferSize);
        return new Header(List.copyOf(entries), metadata, 8 + n);
    }

    private String utf8(ByteBuffer bytes) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(bytes.remaining());
        CoderResult r = dec.decode(bytes, out, true);
        if (r.isError()) {
            throw fault("header is not valid UTF-8 (at byte " + bytes.position() + " of the header)");
        }
        dec.flush(out);
        return out.flip().toString();
    }

    private void metadata(Object value, Map<String, String> out) {
        if (!(value instanceof Map<?, ?> m)) {
            throw fault("'__metadata__' must be an object of strings, got " + kind(value));
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw fault("'__metadata__' entry '" + e.getKey() + "' must be a string, got " + kind(e.getValue()));
            }
            out.put((String) e.getKey(), s);
        }
    }

    private Entry entry(String tensor, Object value, long bufferSize) {
        String where = "tensor '" + tensor + "': ";
        if (!(value instanceof Map<?, ?> info)) {
            throw fault(where + "expected an object with dtype, shape and data_offsets, got " + kind(value));
        }
        for (Object k : info.keySet()) {
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                throw fault(where + "unknown field '" + k + "' (expected dtype, shape and data_offsets)");
            }
        }
        Object dt = required(info, "dtype", where);
        if (!(dt instanceof String dtName)) {
            throw fault(where + "dtype must be a string, got " + kind(dt));
        }
        Dtype dtype = Dtype.byName(dtName);
        if (dtype == null) {
            throw fault(where + "unknown dtype '" + dtName + "'");
        }
        long[] dims = integers(required(info, "shape", where), where + "shape", -1);
        long[] offsets = integers(required(info, "data_offsets", where), where + "data_offsets", 2);
        long elements = 1;
        for (long d : dims) {
            if (d > Integer.MAX_VALUE) {
                throw fault(where + "dimension " + d + " of shape " + Arrays.toString(dims) + " exceeds 2^31-1");
            }
            elements *= d; // cannot overflow: at most 2^31 * 2^31 before the check below stops it
            if (elements > Integer.MAX_VALUE) {
                throw fault(where + "shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
            }
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw fault(where + "data_offsets " + Arrays.toString(offsets) + " end before they begin");
        }
        if (end > bufferSize) {
            throw fault(where + "data_offsets " + Arrays.toString(offsets) + " reach past the end of the "
                    + bufferSize + "-byte data buffer");
        }
        long needed = elements * dtype.size();
        if (end - begin != needed) {
            throw fault(where + "data_offsets " + Arrays.toString(offsets) + " hold " + (end - begin)
                    + " bytes but shape " + Arrays.toString(dims) + " of " + dtype + " needs " + needed);
        }
        int[] intDims = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            intDims[i] = (int) dims[i];
        }
        return new Entry(tensor, dtype, Shape.of(intDims), begin, end);
    }

    private Object required(Map<?, ?> info, String field, String where) {
        if (!info.containsKey(field)) {
            throw fault(where + "missing '" + field + "'");
        }
        return info.get(field);
    }

    /** A list of non-negative integers (of {@code length} elements unless it is -1). */
    private long[] integers(Object value, String what, int length) {
        String expected = length < 0 ? "a list of non-negative integers" : "a list of " + length
                + " non-negative integers";
        if (!(value instanceof List<?> list) || (length >= 0 && list.size() != length)) {
            throw fault(what + " must be " + expected + ", got " + abbreviate(Json.write(value)));
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long v) || v < 0) {
                throw fault(what + " must be " + expected + ", got " + abbreviate(Json.write(value)));
            }
            out[i] = v;
        }
        return out;
    }

    /** The entries, sorted by offset, must tile the data buffer exactly: no gap, no overlap, nothing after. */
    private void checkCoverage(List<Entry> entries, long bufferSize) {
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : entries) {
            if (e.begin() < covered) {
                throw fault("tensors '" + previous.name() + "' " + range(previous) + " and '" + e.name() + "' "
                        + range(e) + " overlap");
            }
            if (e.begin() > covered) {
                throw fault("bytes [" + covered + ", " + e.begin() + ") of the data buffer belong to no tensor ("
                        + (previous == null ? "before '" + e.name() + "'"
                                : "between '" + previous.name() + "' and '" + e.name() + "'") + ")");
            }
            covered = e.end();
            if (e.end() > e.begin()) {
                previous = e;
            } else if (previous == null) {
                previous = e;
            }
        }
        if (covered != bufferSize) {
            throw fault((bufferSize - covered) + " trailing bytes after the tensor data (tensors end at byte "
                    + covered + " of the " + bufferSize + "-byte data buffer)");
        }
    }

    private static String range(Entry e) {
        return "[" + e.begin() + ", " + e.end() + "]";
    }

    private Tensor tensor(Header h, Entry e) throws IOException {
        if (!e.dtype().readable()) {
            throw fault("tensor '" + e.name() + "': dtype " + e.dtype() + " cannot be read as float32 (readable: "
                    + readableNames() + ")");
        }
        float[] out = new float[e.shape().size()];
        int perChunk = CHUNK / e.dtype().size();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, e.end() - e.begin()))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < out.length; ) {
            int count = Math.min(perChunk, out.length - done);
            buf.clear().limit(count * e.dtype().size());
            src.readFully(h.dataStart() + e.begin() + (long) done * e.dtype().size(), buf);
            buf.flip();
            if (e.dtype() == Dtype.F32) {
                // a bulk copy keeps every bit, NaN payloads included
                buf.asFloatBuffer().get(out, done, count);
            } else {
                int bad = e.dtype().read(buf, out, done, count);
                if (bad >= 0) {
                    throw fault("tensor '" + e.name() + "': " + e.dtype() + " value "
                            + e.dtype().describe(buf, bad * e.dtype().size()) + " at index " + (done + bad)
                            + " " + unreadable(e.dtype()));
                }
            }
            done += count;
        }
        return Tensor.wrap(e.shape(), out);
    }

    private static String unreadable(Dtype d) {
        return switch (d) {
            case F64 -> "is outside the float32 range";
            case BOOL -> "is not a boolean (0 or 1)";
            default -> "is not exactly representable as float32 (integers must lie in [-2^24, 2^24])";
        };
    }

    private static String readableNames() {
        List<String> names = new ArrayList<>();
        for (Dtype d : Dtype.values()) {
            if (d.readable()) {
                names.add(d.name());
            }
        }
        return String.join(", ", names);
    }

    private static String kind(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        return "a number";
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private FormatException fault(String what) {
        return new FormatException(name + ": " + what);
    }
}
