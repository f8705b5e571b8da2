package polyhead.experiment;

import java.util.Arrays;
import java.util.List;

/**
 * What the tasks share. Every architecture reads the same trunk of the {@link ExperimentBuilder}: hard sharing
 * shares it; the others copy it, as each task's tower (soft sharing, cross-stitch) or as each expert (MMoE, CGC; PLE
 * cuts it into levels), so switching architectures changes one line.
 */
public final class ArchitecturePlan {
    /** The architectures. */
    public enum Kind { HARD_SHARING, SOFT_SHARING, CROSS_STITCH, MMOE, OMOE, CGC, PLE, DSELECT_K, MTAN, LEARNING_TO_BRANCH }

    private final Kind kind;
    private final double lambda;
    private final int[] stages;
    private final int experts;
    private final int taskExperts;
    private final int selectors;
    private final double gamma;
    private final List<Layer> layers;
    private final double temperature;
    private final int fixAfter;
    private final int temperatureDecay;

    private ArchitecturePlan(Kind kind, double lambda, int[] stages, int experts) {
        this(kind, lambda, stages, experts, 0, 0, 0);
    }

    private ArchitecturePlan(Kind kind, double lambda, int[] stages, int experts, int taskExperts) {
        this(kind, lambda, stages, experts, taskExperts, 0, 0);
    }

    /** {@code lambda} is soft sharing's λ and DSelect-k's entropy weight. */
    private ArchitecturePlan(Kind kind, double lambda, int[] stages, int experts, int taskExperts, int selectors,
                             double gamma) {
        this(kind, lambda, stages, experts, taskExperts, selectors, gamma, List.of());
    }

    private ArchitecturePlan(Kind kind, double lambda, int[] stages, int experts, int taskExperts, int selectors,
                             double gamma, List<Layer> layers) {
        this(kind, lambda, stages, experts, taskExperts, selectors, gamma, layers, 0, 0);
    }

    private ArchitecturePlan(Kind kind, double lambda, int[] stages, int experts, int taskExperts, int selectors,
                             double gamma, List<Layer> layers, double temperature, int fixAfter) {
        this(kind, lambda, stages, experts, taskExperts, selectors, gamma, layers, temperature, fixAfter, 0);
    }

    private ArchitecturePlan(Kind kind, double lambda, int[] stages, int experts, int taskExperts, int selectors,
                             double gamma, List<Layer> layers, double temperature, int fixAfter,
                             int temperatureDecay) {
        this.temperatureDecay = temperatureDecay;
        this.temperature = temperature;
        this.fixAfter = fixAfter;
        this.layers = List.copyOf(layers);
        this.kind = kind;
        this.lambda = lambda;
        this.stages = stages;
        this.experts = experts;
        this.taskExperts = taskExperts;
        this.selectors = selectors;
        this.gamma = gamma;
    }

    /** One trunk shared by every task, one head per task on its output (Caruana, 1997). */
    public static ArchitecturePlan hardSharing() {
        return new ArchitecturePlan(Kind.HARD_SHARING, 0, new int[0], 0);
    }

    /**
     * A copy of the trunk per task as its tower, with the penalty λ·Σ_{i&lt;j}‖θ_i − θ_j‖² between towers (Duong et
     * al., 2015).
     */
    public static ArchitecturePlan softSharing(double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("softSharing: lambda must be a finite number >= 0, got " + lambda);
        }
        return new ArchitecturePlan(Kind.SOFT_SHARING, lambda, new int[0], 0);
    }

    /**
     * A copy of the trunk per task, cut into stages of {@code stages[i]} layers (summing to the trunk's length), with
     * a cross-stitch unit between consecutive stages (Misra et al., 2016); no stages: a stage ends at every activation
     * of the trunk and at its end.
     */
    public static ArchitecturePlan crossStitch(int... stages) {
        for (int i = 0; i < stages.length; i++) {
            if (stages[i] < 1) {
                throw new IllegalArgumentException("crossStitch: stage " + i + " must have at least 1 layer, got " + stages[i]);
            }
        }
        return new ArchitecturePlan(Kind.CROSS_STITCH, 0, stages.clone(), 0);
    }

    /**
     * Multi-gate mixture of experts (Ma et al., 2018): {@code experts} copies of the trunk (which must output a
     * vector) mixed per task by a softmax gate on the flattened input.
     */
    public static ArchitecturePlan mmoe(int experts) {
        return experts(Kind.MMOE, experts);
    }

    /** One-gate mixture of experts (OMoE, Ma et al., 2018): as {@link #mmoe} with one gate shared by the tasks. */
    public static ArchitecturePlan omoe(int experts) {
        return experts(Kind.OMOE, experts);
    }

    private static ArchitecturePlan experts(Kind kind, int experts) {
        if (experts < 1) {
            throw new IllegalArgumentException("mmoe: experts must be at least 1, got " + experts);
        }
        return new ArchitecturePlan(kind, 0, new int[0], experts);
    }

    /**
     * Customized gate control (CGC, Tang et al., 2020): {@code sharedExperts} copies of the trunk shared by the tasks
     * and {@code taskExperts} copies of each task's own, mixed per task by a softmax gate on the flattened input over
     * its own and the shared experts ({@link polyhead.mtl.arch.Ple#cgc}).
     */
    public static ArchitecturePlan cgc(int sharedExperts, int taskExperts) {
        checkExperts("cgc", sharedExperts, taskExperts);
        return new ArchitecturePlan(Kind.CGC, 0, new int[0], sharedExperts, taskExperts);
    }

    /**
     * Progressive layered extraction (PLE, Tang et al., 2020): the trunk cut into levels of {@code levels[i]} layers
     * (summing to the trunk's length; none: a level ends at every activation of the trunk and at its end), each level
     * a CGC of copies of its layers, with a shared gate feeding the next level's shared experts
     * ({@link polyhead.mtl.arch.Ple#progressive}).
     */
    public static ArchitecturePlan ple(int sharedExperts, int taskExperts, int... levels) {
        checkExperts("ple", sharedExperts, taskExperts);
        for (int i = 0; i < levels.length; i++) {
            if (levels[i] < 1) {
                throw new IllegalArgumentException("ple: level " + i + " must have at least 1 layer, got " + levels[i]);
            }
        }
        return new ArchitecturePlan(Kind.PLE, 0, levels.clone(), sharedExperts, taskExperts);
    }

    /**
     * DSelect-k (Hazimeh et al., 2021): {@code experts} copies of the trunk (which must output a vector), each task's
     * gate selecting {@code selectors} of them through smooth-step binary codes with γ = {@code gamma}, the selectors'
     * entropy weighted by {@code entropyWeight} in the objective ({@link polyhead.mtl.arch.DSelectK}).
     */
    public static ArchitecturePlan dselectK(int experts, int selectors, double gamma, double entropyWeight) {
        if (experts < 2 || selectors < 1) {
            throw new IllegalArgumentException("dselectK: experts must be at least 2 and selectors at least 1, got "
                    + experts + " and " + selectors);
        }
        if (!(gamma > 0) || Double.isInfinite(gamma) || !(entropyWeight >= 0) || Double.isInfinite(entropyWeight)) {
            throw new IllegalArgumentException("dselectK: gamma must be > 0 and entropyWeight a finite number >= 0, got "
                    + gamma + " and " + entropyWeight);
        }
        return new ArchitecturePlan(Kind.DSELECT_K, entropyWeight, new int[0], experts, 0, selectors, gamma);
    }

    /** {@link #dselectK(int, int, double, double)} with DSelect-k's default γ and entropy weight. */
    public static ArchitecturePlan dselectK(int experts, int selectors) {
        return dselectK(experts, selectors, polyhead.mtl.arch.DSelectK.DEFAULT_GAMMA,
                polyhead.mtl.arch.DSelectK.DEFAULT_ENTROPY_WEIGHT);
    }

    /**
     * Multi-task attention network (MTAN, Liu et al., 2019): the trunk, cut into blocks of {@code blocks[i]} layers
     * (summing to its length; none: a block ends at every activation and at the end), shared, with an attention module
     * per task at every block ({@link polyhead.mtl.arch.Mtan}).
     */
    public static ArchitecturePlan mtan(int... blocks) {
        for (int i = 0; i < blocks.length; i++) {
            if (blocks[i] < 1) {
                throw new IllegalArgumentException("mtan: block " + i + " must have at least 1 layer, got " + blocks[i]);
            }
        }
        return new ArchitecturePlan(Kind.MTAN, 0, blocks.clone(), 0);
    }

    /**
     * Learning to branch (Guo et al., 2020): a copy of the trunk per task, cut into stages of {@code stages[i]} layers
     * (summing to the trunk's length; none: a stage ends at every activation and at the end; at least two stages),
     * each node of a stage choosing its parent node of the stage before by a Gumbel-softmax with temperature
     * {@code temperature} over learned branching logits; the tree is fixed at the argmax after {@code fixAfter}
     * training forward passes (one per step, and the trainer's diagnostic passes when on; 0: it is searched all
     * through training) and always in evaluation
     * ({@link polyhead.mtl.arch.LearningToBranch}).
     */
    public static ArchitecturePlan learningToBranch(double temperature, int fixAfter, int... stages) {
        if (!(temperature > 0) || Double.isInfinite(temperature) || fixAfter < 0) {
            throw new IllegalArgumentException("learningToBranch: temperature must be > 0 and fixAfter >= 0, got "
                    + temperature + " and " + fixAfter);
        }
        for (int i = 0; i < stages.length; i++) {
            if (stages[i] < 1) {
                throw new IllegalArgumentException("learningToBranch: stage " + i + " must have at least 1 layer, got "
                        + stages[i]);
            }
        }
        return new ArchitecturePlan(Kind.LEARNING_TO_BRANCH, 0, stages.clone(), 0, 0, 0, 0, List.of(), temperature,
                fixAfter);
    }

    /**
     * {@link #learningToBranch(double, int, int...)} with learning to branch's default temperature and fixAfter, a stage
     * ending at every activation of the trunk and at its end.
     */
    public static ArchitecturePlan learningToBranch() {
        return learningToBranch(polyhead.mtl.arch.LearningToBranch.DEFAULT_TEMPERATURE,
                polyhead.mtl.arch.LearningToBranch.DEFAULT_FIX_AFTER);
    }

    private static void checkExperts(String name, int sharedExperts, int taskExperts) {
        if (sharedExperts < 1 || taskExperts < 0) {
            throw new IllegalArgumentException(name + ": sharedExperts must be at least 1 and taskExperts at least 0, "
                    + "got " + sharedExperts + " and " + taskExperts);
        }
    }

    /**
     * This plan with layers of its own — each task's tower (soft sharing, cross-stitch and learning to branch, whose
     * {@link #stages} then cut these layers) or each expert (MMoE, OMoE) — instead of copies of the trunk. The trunk then comes first and is
     * shared: every tower or expert reads its output (an empty trunk: the input); MMoE's gates read the input.
     * Without layers (the default) the architecture copies the trunk, as before.
     */
    public ArchitecturePlan layers(Layer... ownLayers) {
        if (kind != Kind.SOFT_SHARING && kind != Kind.CROSS_STITCH && kind != Kind.MMOE && kind != Kind.OMOE
                && kind != Kind.LEARNING_TO_BRANCH) {
            throw new IllegalArgumentException(this + " takes no layers of its own (softSharing, crossStitch, mmoe, "
                    + "omoe and learningToBranch do)");
        }
        if (ownLayers.length == 0) {
            throw new IllegalArgumentException(this + ": give at least one layer, or none to copy the trunk");
        }
        return new ArchitecturePlan(kind, lambda, stages, experts, taskExperts, selectors, gamma, List.of(ownLayers),
                temperature, fixAfter, temperatureDecay);
    }

    /**
     * This learning-to-branch plan with its Gumbel-softmax temperature decaying every {@code passes} training forward
     * passes: τ / √(1 + ⌊n / passes⌋) at pass n, LibMTL's 1/√(epoch + 1) annealing when {@code passes} is the steps
     * of an epoch ({@link polyhead.mtl.arch.LearningToBranch}); 0 keeps τ constant (the default).
     */
    public ArchitecturePlan temperatureDecay(int passes) {
        if (kind != Kind.LEARNING_TO_BRANCH) {
            throw new IllegalArgumentException(this + " has no temperature (learningToBranch has)");
        }
        if (passes < 0) {
            throw new IllegalArgumentException("learningToBranch: temperatureDecay must be >= 0 (0: constant), got "
                    + passes);
        }
        return new ArchitecturePlan(kind, lambda, stages, experts, taskExperts, selectors, gamma, layers, temperature,
                fixAfter, passes);
    }

    /** Learning to branch's training passes per step of the temperature decay; 0: constant. */
    public int temperatureDecay() {
        return temperatureDecay;
    }

    /** The architecture's own layers; empty: it copies the trunk. */
    public List<Layer> layers() {
        return layers;
    }

    public Kind kind() {
        return kind;
    }

    /** Soft sharing's λ; DSelect-k's entropy weight. */
    public double lambda() {
        return lambda;
    }

    /** Learning to branch's Gumbel-softmax temperature. */
    public double temperature() {
        return temperature;
    }

    /** Learning to branch's training forward passes before the tree is fixed; 0: never during training. */
    public int fixAfter() {
        return fixAfter;
    }

    /** Cross-stitch's and learning to branch's stage, PLE's level and MTAN's block sizes, in layers; empty for the activation blocks. */
    public int[] stages() {
        return stages.clone();
    }

    /** The number of experts of MMoE, OMoE and DSelect-k; the number of shared experts of CGC and PLE. */
    public int experts() {
        return experts;
    }

    /** DSelect-k's number of selectors per task (k). */
    public int selectors() {
        return selectors;
    }

    /** DSelect-k's smooth-step width γ. */
    public double gamma() {
        return gamma;
    }

    /** The number of each task's own experts of CGC and PLE. */
    public int taskExperts() {
        return taskExperts;
    }

    @Override
    public String toString() {
        return name() + (layers.isEmpty() ? "" : ".layers(" + layers.size() + ")");
    }

    private String name() {
        return switch (kind) {
            case HARD_SHARING -> "hardSharing";
            case SOFT_SHARING -> "softSharing(" + lambda + ")";
            case CROSS_STITCH -> "crossStitch" + Arrays.toString(stages);
            case MMOE -> "mmoe(" + experts + ")";
            case OMOE -> "omoe(" + experts + ")";
            case CGC -> "cgc(" + experts + ", " + taskExperts + ")";
            case PLE -> "ple(" + experts + ", " + taskExperts + ", " + Arrays.toString(stages) + ")";
            case MTAN -> "mtan" + Arrays.toString(stages);
            case LEARNING_TO_BRANCH -> "learningToBranch(" + temperature + ", " + fixAfter + ", "
                    + Arrays.toString(stages) + ")" + (temperatureDecay > 0 ? ".temperatureDecay(" + temperatureDecay
                    + ")" : "");
            case DSELECT_K -> "dselectK(" + experts + ", " + selectors + ", " + gamma + ", " + lambda + ")";
        };
    }
}
