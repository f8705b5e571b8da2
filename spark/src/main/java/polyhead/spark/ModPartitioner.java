package polyhead.spark;

import org.apache.spark.Partitioner;

/** Sends row number i to partition i mod R: replica r's shard is every R-th row, starting at row r. */
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
        return (int) ((Long) key % partitions);
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
