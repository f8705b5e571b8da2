package polyhead.samples;

import picocli.CommandLine.Option;

/**
 * The options of a short, silent run that the Fashion-MNIST samples share, for a {@link SampleCommand} to take in
 * with {@code @Mixin}: {@code --limit N} trains and tests on only the first N images of each split, {@code --quiet}
 * turns the progress bar off.
 */
public final class QuickRun {
    @Option(names = "--limit", paramLabel = "N",
            description = "use only the first N training and N test images (quick runs)")
    Integer limit;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    /** The images of each split to use, checked: 0 for all of them when {@code --limit} is absent. */
    public int limit() {
        return limit == null ? 0 : SampleCommand.atLeast("--limit", limit, 1);
    }

    /** Whether the progress bar is off. */
    public boolean quiet() {
        return quiet;
    }
}
