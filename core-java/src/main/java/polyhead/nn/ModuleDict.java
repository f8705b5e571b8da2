package polyhead.nn;

import java.util.Map;

import polyhead.autodiff.Var;

/**
 * Modules held by name, as PyTorch's {@code ModuleDict}: {@code heads.item.weight}. It has no forward of its own;
 * call its members.
 */
public final class ModuleDict extends Module {
    public ModuleDict(Map<String, ? extends Module> modules) {
        modules.forEach(this::registerModule);
    }

    /** The member registered as {@code name}. */
    public Module get(String name) {
        Module m = children().get(name);
        if (m == null) {
            throw new IllegalArgumentException("no module '" + name + "' in " + this + "; members: " + children().keySet());
        }
        return m;
    }

    @Override
    protected Var forward(Var input) {
        throw new UnsupportedOperationException(this + " holds modules by name and has no forward; call its members");
    }
}
