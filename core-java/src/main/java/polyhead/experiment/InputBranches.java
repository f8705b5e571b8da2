package polyhead.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import polyhead.nn.Module;
import polyhead.nn.MultiInput;
import polyhead.nn.Sequential;

/**
 * The front of a multi-input model as a layer of the trunk: takes the packed row [Σ size_i] and outputs the
 * concatenation of the branches' flattened outputs [Σ out_i]; builds a {@link MultiInput}, drawing each branch's
 * parameters in input order. The builder checks each branch (with its own paths) before it places this layer.
 */
record InputBranches(List<InputPlan> inputs) implements Layer {
    @Override
    public String type() {
        return "inputs";
    }

    @Override
    public int[] outputShape(int[] input) {
        int width = InputPlan.layout(inputs).width();
        if (input.length != 1 || input[0] != width) {
            throw new IllegalArgumentException("inputs: a packed row [" + width + "] was expected, got "
                    + java.util.Arrays.toString(input));
        }
        int out = 0;
        for (InputPlan p : inputs) {
            int[] shape = p.shape();
            for (Layer l : p.trunk()) {
                shape = l.outputShape(shape);
            }
            out += java.util.Arrays.stream(shape).reduce(1, Math::multiplyExact);
        }
        return new int[] {out};
    }

    @Override
    public Module create(int[] input, Random rng) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, Module> branches = new LinkedHashMap<>();
        for (InputPlan p : inputs) {
            int[] shape = p.shape();
            List<Module> modules = new ArrayList<>();
            for (Layer l : p.trunk()) {
                modules.add(l.create(shape, rng));
                shape = l.outputShape(shape);
            }
            shapes.put(p.name(), p.shape());
            branches.put(p.name(), new Sequential(modules));
        }
        return new MultiInput(shapes, branches);
    }
}
