package polyhead.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * Reads and writes the safetensors format (Hugging Face), so that weights move between Polyhead, PyTorch and other
 * frameworks:
 * <pre>
 * 8 bytes     N, unsigned little-endian
 * N bytes     UTF-8 JSON: {"__metadata__": {string: string}?, name: {"dtype", "shape", "data_offsets": [begin, end]}...}
 *             padded with spaces to a multiple of 8 bytes
 * the rest    the data buffer: each tensor's elements, row-major, little-endian, at [begin, end) of the buffer
 * </pre>
 *
 * <p>Writing: float32 ({@code F32}) only, bit for bit (NaN payloads and -0.0 included), tensors in the map's
 * iteration order (the reference implementation sorts by dtype alignment, then by name; for an all-F32 map in name
 * order the bytes are identical to its output when the metadata has at most one entry). Files are replaced
 * atomically: written to a temporary sibling, forced to disk and renamed.
 *
 * <p>Reading: strict. The header must be valid UTF-8 JSON with no duplicate names, each tensor exactly the three
 * fields, the offsets must tile the data buffer (no gap, overlap or trailing bytes) and agree with shape and dtype;
 * every length is checked against the file size before anything is allocated. Element types convert to float32 as
 * {@link Dtype} describes. Every fault is a {@link FormatException} naming the file and the fault in one line.
 */
public final class Safetensors {
    private Safetensors() {
    }

    /** One tensor of a header: where its bytes lie in the data buffer ({@code [begin, end)}). */
    public record Entry(String name, Dtype dtype, Shape shape, long begin, long end) {
    }

    /** A file's tensors (in the order of their data), its {@code __metadata__} and each tensor's stored dtype. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata, Map<String, Dtype> dtypes) {
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
            dtypes = Collections.unmodifiableMap(new LinkedHashMap<>(dtypes));
        }
    }

    /** The tensors of {@code file}, in the order of their data, converted to float32. */
    public static Map<String, Tensor> load(Path file) {
        return read(file).tensors();
    }

    /** Tensors, metadata and dtypes of {@code file}. */
    public static Contents read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return SafetensorsReader.read(SafetensorsReader.Source.of(ch), file.toString());
        } catch (IOException e) {
            throw FileFaults.readFault(file, e);
        }
    }

    /** Parses a whole safetensors file held in memory; {@code source} names it in errors. */
    public static Contents read(byte[] bytes, String source) {
        try {
            return SafetensorsReader.read(SafetensorsReader.Source.of(bytes), source);
        } catch (IOException e) {
            // the array source fails only at its end, which the header checks rule out
            throw new FormatException(source + ": truncated", e);
        }
    }

    /** The validated header of {@code file}, without reading any tensor data. */
    public static List<Entry> entries(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return SafetensorsReader.header(SafetensorsReader.Source.of(ch), file.toString()).entries();
        } catch (IOException e) {
            throw FileFaults.readFault(file, e);
        }
    }

    /** Writes {@code tensors} as F32 to {@code file}, atomically replacing it. */
    public static void write(Path file, Map<String, Tensor> tensors) {
        write(file, tensors, Map.of());
    }

    /** Writes {@code tensors} as F32 with {@code metadata} as {@code __metadata__}, atomically replacing the file. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        try {
            AtomicFiles.write(file, ch -> writeTo(ch, header, tensors));
        } catch (IOException e) {
            throw FileFaults.writeFault(file, e);
        }
    }

    /** The bytes of a safetensors file holding {@code tensors} as F32 and {@code metadata}. */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out, header, tensors);
        } catch (IOException e) {
            throw new IllegalStateException("a byte array stream cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Writes a whole file to {@code out} (the caller closes it). */
    public static void writeTo(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        writeTo(out, header(tensors, metadata), tensors);
    }

    private static void writeTo(FileChannel ch, byte[] header, Map<String, Tensor> tensors) throws IOException {
        writeTo(Channels.newOutputStream(ch), header, tensors);
    }

    private static void writeTo(OutputStream out, byte[] header, Map<String, Tensor> tensors) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
        out.write(len.array());
        out.write(header);
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = buf.capacity() / Float.BYTES;
        for (Tensor t : tensors.values()) {
            float[] data = t.data();
            for (int done = 0; done < data.length; ) {
                int n = Math.min(perChunk, data.length - done);
                // a bulk copy keeps every bit, NaN payloads included
                buf.clear();
                buf.asFloatBuffer().put(data, done, n);
                out.write(buf.array(), 0, n * Float.BYTES);
                done += n;
            }
        }
        out.flush();
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes so that the data is aligned. */
    private static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("safetensors metadata cannot hold null: " + e);
                }
            }
            json.put("__metadata__", metadata);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.equals("__metadata__")) {
                throw new IllegalArgumentException("'" + name + "' cannot name a tensor in a safetensors file");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("tensor '" + name + "' is null");
            }
            Tensor t = e.getValue();
            List<Object> shape = new ArrayList<>();
            for (int d : t.shape().dims()) {
                shape.add((long) d);
            }
            long end = offset + (long) t.size() * Float.BYTES;
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", Dtype.F32.name());
            info.put("shape", shape);
            info.put("data_offsets", List.of(offset, end));
            json.put(name, info);
            offset = end;
        }
        byte[] text = Json.write(json).getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(text, 0, out, 0, text.length);
        for (int i = text.length; i < padded; i++) {
            out[i] = ' ';
        }
        return out;
    }
}
