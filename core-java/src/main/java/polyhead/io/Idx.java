package polyhead.io;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST (LeCun et al.): a magic number {@code 0x0000TTNN} with
 * the element type TT and the number of dimensions NN, NN big-endian 32-bit sizes, then the elements. Files may be
 * gzip-compressed (detected from their first bytes). Unsigned bytes (type 0x08) are returned as floats 0–255.
 */
public final class Idx {
    private static final int UBYTE = 0x08;
    private static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Idx() {
    }

    /** The file's contents as a tensor of the shape in its header. */
    public static Tensor read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw)) : raw;
            return parse(new DataInputStream(in), file);
        } catch (EOFException e) {
            throw new FormatException(file + ": truncated IDX file (ends before the data its header announces)");
        } catch (IOException e) {
            throw FileFaults.readFault(file, e);
        }
    }

    private static Tensor parse(DataInputStream in, Path file) throws IOException {
        int magic = in.readInt();
        int type = (magic >>> 8) & 0xff;
        int rank = magic & 0xff;
        if ((magic >>> 16) != 0 || rank == 0) {
            throw new FormatException(file + ": not an IDX file (magic number 0x" + Integer.toHexString(magic) + ")");
        }
        if (type != UBYTE) {
            throw new FormatException(file + ": IDX element type 0x" + Integer.toHexString(type)
                    + " is not supported (only unsigned bytes, 0x08)");
        }
        int[] dims = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = in.readInt();
            if (dims[i] < 0) {
                throw new FormatException(file + ": negative size " + dims[i] + " in IDX header " + Arrays.toString(dims));
            }
            size *= dims[i];
            if (size > MAX_ELEMENTS) {
                throw new FormatException(file + ": IDX header announces more than 2^31 elements");
            }
        }
        // grow the array as data arrives rather than trusting the header: a corrupt or hostile header may announce
        // far more elements than the file holds
        int announced = (int) size;
        float[] data = new float[Math.min(announced, 1 << 16)];
        byte[] buf = new byte[8192];
        int done = 0;
        while (done < announced) {
            int want = Math.min(buf.length, announced - done);
            int got = in.read(buf, 0, want);
            if (got < 0) {
                throw new FormatException(file + ": truncated IDX file: header " + Arrays.toString(dims) + " announces "
                        + announced + " elements, found " + done);
            }
            if (done + got > data.length) {
                data = Arrays.copyOf(data, (int) Math.min(announced, Math.max(2L * data.length, done + got)));
            }
            for (int i = 0; i < got; i++) {
                data[done + i] = buf[i] & 0xff;
            }
            done += got;
        }
        if (in.read() >= 0) {
            throw new FormatException(file + ": IDX file has data beyond the " + data.length + " elements its header "
                    + Arrays.toString(dims) + " announces");
        }
        return Tensor.wrap(Shape.of(dims), data);
    }
}
