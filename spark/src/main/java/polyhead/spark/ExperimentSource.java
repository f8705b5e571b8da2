package polyhead.spark;

import java.io.Serializable;

import polyhead.dsl.compile.SpecCompiler;
import polyhead.dsl.spec.SpecResult;
import polyhead.experiment.Experiment;

/**
 * How the driver and every replica build the same experiment: each calls {@link #create()} once and gets a fresh
 * {@link Experiment} with the same initial weights (an experiment's weights are drawn from its seed). Shipped to the
 * executors, so it must be serializable: a lambda over the Java builder ({@code () -> new ExperimentBuilder()...
 * .build()}) or a JSON spec ({@link #spec}; a Kotlin DSL spec is {@code SpecJson.encode(spec)}).
 */
@FunctionalInterface
public interface ExperimentSource extends Serializable {
    /** A freshly built experiment; every call builds an equal one. */
    Experiment create();

    /**
     * The experiment of a JSON spec, compiled by the DSL's {@code SpecCompiler} wherever it is built.
     *
     * @throws polyhead.dsl.spec.InvalidSpecException (from {@link #create()}) naming every fault's JSON path
     */
    static ExperimentSource spec(String json) {
        return new SpecSource(json);
    }

    /** A JSON spec's text; its JSON is also what the run records. */
    record SpecSource(String json) implements ExperimentSource {
        @Override
        public Experiment create() {
            SpecResult r = SpecCompiler.INSTANCE.load(json);
            return SpecCompiler.INSTANCE.compile(r.getOrThrow()).getExperiment();
        }
    }
}
