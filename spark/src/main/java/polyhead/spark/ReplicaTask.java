package polyhead.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.broadcast.Broadcast;

import polyhead.checkpoint.CheckpointStore;
import polyhead.checkpoint.Checkpoints;
import polyhead.dsl.spec.CheckpointSpec;
import polyhead.data.BatchSource;
import polyhead.data.Dataset;
import polyhead.experiment.Experiment;
import polyhead.train.GradientExchange;
import polyhead.train.Trainer;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * One replica, run as a task of the barrier stage: its shard's rows (keyed by their row number) become a dataset,
 * it builds the experiment, and trains it with a {@link BarrierExchange} to the other replicas. With a run folder,
 * replica 0 keeps the run's checkpoints there (as the experiment says; every epoch, as {@code polyhead train}
 * does, when it asks for none) and every replica first resumes from the latest one (what a retried
 * stage finds); the other replicas keep theirs in a scratch folder that is deleted at the end.
 */
final class ReplicaTask extends AbstractFunction1<scala.collection.Iterator<Tuple2<Long, float[]>>,
        scala.collection.Iterator<ReplicaResult>> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final ExperimentSource source;
    private final FrameLayout layout;
    private final int[] input;
    private final int[] rows;
    private final int replicas;
    private final Broadcast<SampleTable> validation;
    private final String runFolder;
    private final SparkTrainingOptions.Exchange kind;
    private final Duration timeout;
    private final List<ReplicaListener> listeners;

    /**
     * @param rows the rows of each DataFrame the run reads: one, or under multi-source sampling one per task in task
     *             order (keyed by {@link ModPartitioner#key})
     */
    ReplicaTask(ExperimentSource source, FrameLayout layout, int[] input, int[] rows, int replicas,
                Broadcast<SampleTable> validation, String runFolder, SparkTrainingOptions.Exchange kind,
                Duration timeout, List<ReplicaListener> listeners) {
        this.listeners = List.copyOf(listeners);
        this.kind = kind;
        this.timeout = timeout;
        this.source = source;
        this.layout = layout;
        this.input = input;
        this.rows = rows.clone();
        this.replicas = replicas;
        this.validation = validation;
        this.runFolder = runFolder;
    }

    @Override
    public scala.collection.Iterator<ReplicaResult> apply(scala.collection.Iterator<Tuple2<Long, float[]>> it) {
        BarrierTaskContext context = BarrierTaskContext.get();
        int rank = context.partitionId();
        List<Tuple2<Long, float[]>> mine = new ArrayList<>();
        CollectionConverters.asJava(it).forEachRemaining(mine::add);
        mine.sort(Comparator.comparingLong(Tuple2::_1));
        List<List<float[]>> bySource = new ArrayList<>();
        for (int k = 0; k < rows.length; k++) {
            bySource.add(new ArrayList<>());
        }
        mine.forEach(t -> bySource.get((int) (t._1() >>> 32)).add(t._2()));
        Experiment experiment = source.create();
        List<String> tasks = List.copyOf(layout.labels().keySet());
        List<Dataset> shards = new ArrayList<>();
        for (List<float[]> samples : bySource) {
            shards.add(experiment.bind(layout.table(samples).dataset(input)));
        }
        Path scratch = scratch();
        RingExchange ring = kind == SparkTrainingOptions.Exchange.RING ? RingExchange.open(context, timeout) : null;
        try {
            Path shared = runFolder == null ? null : Paths.get(runFolder).resolve("checkpoints");
            Path checkpoints = rank == 0 && shared != null ? shared : scratch.resolve("checkpoints");
            TimedExchange exchange = new TimedExchange(ring != null ? ring : new BarrierExchange(context));
            BatchSource batches = batches(experiment, tasks, shards, rank, exchange);
            Trainer.Builder builder = experiment.trainerBuilder(batches.stepsPerEpoch(), checkpoints)
                    .gradientExchange(exchange);
            if (rank == 0 && shared != null && experiment.training().checkpointEvery() == 0) {
                // as `polyhead train` does for a spec that asks for none: every run folder can be resumed (after a
                // failed replica too) and evaluated
                CheckpointSpec d = new CheckpointSpec();
                builder.checkpoints(new CheckpointStore(shared, d.getKeepLast()), d.getEvery());
            }
            for (ReplicaListener l : listeners) {
                var made = l.create(rank, context.stageAttemptNumber());
                if (made != null) {
                    builder.listener(made);
                }
            }
            Trainer trainer = builder.build();
            long before = 0;
            if (shared != null && Files.isDirectory(shared)) {
                var latest = new CheckpointStore(shared, experiment.training().keepLast()).latest();
                if (latest.isPresent()) {
                    trainer.resume(latest.get().checkpoint());
                    before = trainer.steps();
                }
            }
            Dataset valid = validation == null ? null : experiment.bind(validation.value().dataset(input));
            long start = System.nanoTime();
            trainer.fit(batches, valid);
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, byte[]> files = new LinkedHashMap<>();
            if (rank == 0) {
                Path last = scratch.resolve("final");
                Checkpoints.write(last, trainer.checkpointState().build());
                files = read(last);
            }
            return CollectionConverters.asScala(List.of(new ReplicaResult(rank, files, trainer.steps() - before,
                    seconds, exchange.seconds())).iterator());
        } finally {
            if (ring != null) {
                ring.close();
            }
            delete(scratch);
        }
    }

    /** This replica's batches, drawn as the experiment's sampling says. */
    private BatchSource batches(Experiment experiment, List<String> tasks, List<Dataset> shards, int rank,
                                GradientExchange exchange) {
        int b = experiment.training().batchSize();
        return switch (experiment.training().sampling()) {
            case SHUFFLED -> new ShardBatches(shards.get(0), rows[0], b, replicas, rank);
            case TASK_BALANCED -> DrawnBatches.taskBalanced(shards.get(0),
                    DrawnBatches.labelPatterns(shards.get(0), rows[0], replicas, rank, exchange), b, replicas, rank);
            case MULTI_SOURCE -> DrawnBatches.multiSource(tasks, shards,
                    java.util.Arrays.stream(rows).boxed().toList(), b, replicas, rank);
        };
    }

    /** Counts the time spent in the exchange, for {@link ReplicaResult#exchangeSeconds}. */
    private static final class TimedExchange implements GradientExchange {
        private final GradientExchange inner;
        private long nanos;

        TimedExchange(GradientExchange inner) {
            this.inner = inner;
        }

        @Override
        public int replicas() {
            return inner.replicas();
        }

        @Override
        public int rank() {
            return inner.rank();
        }

        @Override
        public void sum(double[] values) {
            long t = System.nanoTime();
            inner.sum(values);
            nanos += System.nanoTime() - t;
        }

        double seconds() {
            return nanos / 1e9;
        }
    }

    private static Path scratch() {
        try {
            return Files.createTempDirectory("polyhead-replica-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a scratch folder: " + e.getMessage(), e);
        }
    }

    static Map<String, byte[]> read(Path dir) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read: " + e.getMessage(), e);
        }
        return files;
    }

    static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a scratch folder left behind in the temporary directory is harmless
        }
    }
}
