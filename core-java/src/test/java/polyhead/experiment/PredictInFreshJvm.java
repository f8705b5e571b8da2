package polyhead.experiment;

import java.nio.file.Path;
import java.util.Map;
import java.util.StringJoiner;

import polyhead.io.Safetensors;
import polyhead.tensor.Tensor;

/**
 * Run by {@link TrainedModelTest} in a JVM of its own: loads a saved model (args[0]) with nothing but the core, and
 * prints the bits of its predictions for the inputs {@code x} of a safetensors file (args[1]).
 */
final class PredictInFreshJvm {
    private PredictInFreshJvm() {
    }

    public static void main(String[] args) {
        Tensor x = Safetensors.load(Path.of(args[1])).get("x");
        System.out.println(bits(TrainedModel.load(Path.of(args[0])).predict(x)));
    }

    /** Every task's raw outputs as hexadecimal float bits, tasks in order. */
    static String bits(Map<String, TaskPrediction> p) {
        StringJoiner j = new StringJoiner(" ");
        p.forEach((task, tp) -> {
            j.add(task + ":");
            for (float v : tp.output().data()) {
                j.add(Integer.toHexString(Float.floatToRawIntBits(v)));
            }
        });
        return j.toString();
    }
}
