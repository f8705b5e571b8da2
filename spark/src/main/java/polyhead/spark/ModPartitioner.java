package polyhead.spark;

import org.apache.spark.Partitioner;

/**
 * Sends row number i to partition i mod R: replica r's shard is every R-th row, starting at row r. A key carries the
 * row number in its low 32 bits and, when the run reads several DataFrames (one per task), the DataFrame's index in
 * the high bits ({@link #key}): each DataFrame is sharded on its own.
 */
final class ModPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    ModPartitioner(int partitions) {
        this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        return (int) (((Long) key & 0xffffffffL) % partitions);
    }

    /** The key of row {@code row} of DataFrame {@code source}. */
    static long key(int source, long row) {
        return ((long) source << 32) | row;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModPartitioner m && m.partitions == partitions;
    }

    @Override
    public int hashCode() {
        return partitions;
    }
}
