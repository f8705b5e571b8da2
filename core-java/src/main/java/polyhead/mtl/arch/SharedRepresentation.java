package polyhead.mtl.arch;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.mtl.Task;

/**
 * An architecture whose tasks all read one shared representation z = {@link #encode}(x) (hard sharing's trunk
 * output, MMoE's expert outputs): its predictions are {@link #decode}(x, z), so gradient-level strategies can work on
 * ∂L_t/∂z.
 */
public abstract class SharedRepresentation extends Architecture {
    protected SharedRepresentation(List<Task> tasks) {
        super(tasks);
    }

    /** decode(input, encode(input), taskNames). */
    @Override
    public final Map<String, Var> outputs(Var input, Collection<String> taskNames) {
        return decode(input, encode(input), taskNames);
    }

    @Override
    public final boolean hasSharedRepresentation() {
        return true;
    }

    @Override
    public abstract Var encode(Var input);

    @Override
    public abstract Map<String, Var> decode(Var input, Var shared, Collection<String> taskNames);
}
