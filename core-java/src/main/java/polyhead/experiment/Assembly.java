package polyhead.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import polyhead.mtl.Task;
import polyhead.mtl.arch.Architecture;
import polyhead.mtl.arch.CrossStitch;
import polyhead.mtl.arch.DSelectK;
import polyhead.mtl.arch.HardSharing;
import polyhead.mtl.arch.LearningToBranch;
import polyhead.mtl.arch.Mmoe;
import polyhead.mtl.arch.Mtan;
import polyhead.mtl.arch.Ple;
import polyhead.mtl.arch.SoftSharing;
import polyhead.nn.Module;
import polyhead.nn.Sequential;

/** Builds a checked experiment's architecture, in the parameter draw order {@link ExperimentBuilder} documents. */
final class Assembly {
    /** A built stack of layers and the per-sample shape it outputs. */
    private record Built(Sequential module, int[] output) {
    }

    /**
     * What an architecture copies ({@code layers}, reading per-sample shape {@code input}) and the shared trunk before
     * them (null: none).
     */
    private record Body(Module trunk, List<Layer> layers, int[] input) {
    }

    /**
     * The trunk as what is copied, or with the plan's own layers the trunk built once (drawn first) as a shared trunk
     * before them; an empty trunk is none.
     */
    private static Body body(ArchitecturePlan plan, int[] input, List<Layer> trunk, Random rng) {
        if (plan.layers().isEmpty()) {
            return new Body(null, trunk, input);
        }
        if (trunk.isEmpty()) {
            return new Body(null, plan.layers(), input);
        }
        Built shared = sequential(trunk, input, rng);
        return new Body(shared.module(), plan.layers(), shared.output());
    }

    private Assembly() {
    }

    static Architecture architecture(ArchitecturePlan plan, int[] input, List<Layer> trunk, List<TaskPlan> tasks,
                                     Random rng) {
        switch (plan.kind()) {
            case HARD_SHARING -> {
                Built t = sequential(trunk, input, rng);
                return new HardSharing(t.module(), tasks(tasks, t.output(), rng));
            }
            case SOFT_SHARING -> {
                Body b = body(plan, input, trunk, rng);
                List<Built> towers = new ArrayList<>();
                for (int i = 0; i < tasks.size(); i++) {
                    towers.add(sequential(b.layers(), b.input(), rng));
                }
                return new SoftSharing(b.trunk(), supplierOf(towers), tasks(tasks, towers.get(0).output(), rng),
                        plan.lambda());
            }
            case CROSS_STITCH, LEARNING_TO_BRANCH -> {
                Body b = body(plan, input, trunk, rng);
                List<int[]> ranges = stageRanges(plan.stages(), b.layers());
                List<List<Built>> byTask = new ArrayList<>();
                for (int i = 0; i < tasks.size(); i++) {
                    List<Built> stages = new ArrayList<>();
                    int[] shape = b.input();
                    for (int[] r : ranges) {
                        Built built = sequential(b.layers().subList(r[0], r[1]), shape, rng);
                        stages.add(built);
                        shape = built.output();
                    }
                    byTask.add(stages);
                }
                // CrossStitch asks each stage's supplier once per task, in task order
                List<Supplier<? extends Module>> stages = new ArrayList<>();
                for (int s = 0; s < ranges.size(); s++) {
                    int stage = s;
                    stages.add(supplierOf(byTask.stream().map(t -> t.get(stage)).toList()));
                }
                int[] output = byTask.get(0).get(ranges.size() - 1).output();
                List<Task> built = tasks(tasks, output, rng);
                if (plan.kind() == ArchitecturePlan.Kind.LEARNING_TO_BRANCH) {
                    return new LearningToBranch(b.trunk(), stages, built, plan.temperature(), plan.fixAfter(),
                            rng.nextLong(), plan.temperatureDecay());
                }
                return new CrossStitch(b.trunk(), stages, built);
            }
            case MTAN -> {
                List<Sequential> blocks = new ArrayList<>();
                List<int[]> shapes = new ArrayList<>();
                int[] shape = input;
                for (int[] r : stageRanges(plan.stages(), trunk)) {
                    Built b = sequential(trunk.subList(r[0], r[1]), shape, rng);
                    blocks.add(b.module());
                    shapes.add(b.output());
                    shape = b.output();
                }
                return new Mtan(blocks, shapes, tasks(tasks, shape, rng), rng);
            }
            case DSELECT_K -> {
                List<Built> experts = new ArrayList<>();
                for (int i = 0; i < plan.experts(); i++) {
                    experts.add(sequential(trunk, input, rng));
                }
                List<Task> built = tasks(tasks, experts.get(0).output(), rng);
                return new DSelectK(supplierOf(experts), plan.experts(), plan.selectors(), features(input), plan.gamma(),
                        plan.lambda(), built, rng);
            }
            case MMOE, OMOE -> {
                Body b = body(plan, input, trunk, rng);
                List<Built> experts = new ArrayList<>();
                for (int i = 0; i < plan.experts(); i++) {
                    experts.add(sequential(b.layers(), b.input(), rng));
                }
                List<Task> built = tasks(tasks, experts.get(0).output(), rng);
                return Mmoe.withTrunk(b.trunk(), supplierOf(experts), plan.experts(), features(input), built,
                        plan.kind() == ArchitecturePlan.Kind.MMOE, rng);
            }
            case CGC -> {
                List<Built> experts = new ArrayList<>();
                for (int i = 0; i < plan.experts() + tasks.size() * plan.taskExperts(); i++) {
                    experts.add(sequential(trunk, input, rng));
                }
                List<Task> built = tasks(tasks, experts.get(0).output(), rng);
                return Ple.cgc(supplierOf(experts), features(input), plan.experts(), plan.taskExperts(), built, rng);
            }
            case PLE -> {
                List<int[]> ranges = stageRanges(plan.stages(), trunk);
                List<Supplier<? extends Module>> levels = new ArrayList<>();
                int[] gateInputs = new int[ranges.size()];
                int[] shape = input;
                for (int s = 0; s < ranges.size(); s++) {
                    int[] r = ranges.get(s);
                    List<Built> experts = new ArrayList<>();
                    for (int i = 0; i < plan.experts() + tasks.size() * plan.taskExperts(); i++) {
                        experts.add(sequential(trunk.subList(r[0], r[1]), shape, rng));
                    }
                    levels.add(supplierOf(experts));
                    gateInputs[s] = features(shape);
                    shape = experts.get(0).output();
                }
                List<Task> built = tasks(tasks, shape, rng);
                return Ple.progressive(levels, gateInputs, plan.experts(), plan.taskExperts(), built, rng);
            }
            default -> throw new IllegalStateException("unknown architecture " + plan);
        }
    }

    /** The number of values of one sample of per-sample shape {@code shape}: what a gate on the flattened input reads. */
    private static int features(int[] shape) {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    /** {@code layers} in a {@link Sequential} (registered {@code 0, 1, …}) reading per-sample shape {@code input}. */
    private static Built sequential(List<Layer> layers, int[] input, Random rng) {
        int[] shape = input;
        List<Module> modules = new ArrayList<>();
        for (Layer l : layers) {
            modules.add(l.create(shape, rng));
            shape = l.outputShape(shape);
        }
        return new Built(new Sequential(modules), shape);
    }

    private static List<Task> tasks(List<TaskPlan> plans, int[] headInput, Random rng) {
        List<Task> tasks = new ArrayList<>();
        for (TaskPlan t : plans) {
            Sequential head = sequential(t.head(), headInput, rng).module();
            // a head of one layer is that layer, as a hand-built Task's would be: heads.<task>.weight, whichever API
            // built the model
            tasks.add(Task.builder(t.name())
                    .head(t.head().size() == 1 ? head.get(0) : head)
                    .loss(t.loss())
                    .weight(t.weight())
                    .labels(t.labels())
                    .metrics(t.metrics().toArray(new polyhead.metrics.Metric[0]))
                    .build());
        }
        return tasks;
    }

    /** The modules of {@code built} one per call, in order. */
    private static Supplier<Module> supplierOf(List<Built> built) {
        Iterator<Built> next = built.iterator();
        return () -> next.next().module();
    }

    /** [from, to) ranges of the stages: the given sizes, or a stage ending at every activation and at the end. */
    static List<int[]> stageRanges(int[] sizes, List<Layer> trunk) {
        List<Integer> lengths = new ArrayList<>();
        if (sizes.length > 0) {
            Arrays.stream(sizes).forEach(lengths::add);
        } else {
            int count = 0;
            for (int i = 0; i < trunk.size(); i++) {
                count++;
                if (trunk.get(i).isActivation() || i == trunk.size() - 1) {
                    lengths.add(count);
                    count = 0;
                }
            }
        }
        List<int[]> ranges = new ArrayList<>();
        int start = 0;
        for (int n : lengths) {
            ranges.add(new int[] {start, start + n});
            start += n;
        }
        return ranges;
    }
}
