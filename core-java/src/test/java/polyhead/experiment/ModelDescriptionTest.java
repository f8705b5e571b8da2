package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.data.LabelType;
import polyhead.io.Json;
import polyhead.loss.Losses;
import polyhead.loss.Reduction;
import polyhead.metrics.Average;
import polyhead.metrics.Metrics;
import polyhead.mtl.arch.Architecture;
import polyhead.optim.Optimizers.Adam;
import polyhead.tensor.Tensor;

/**
 * A model description survives JSON and rebuilds the same architecture — names, shapes and, from the same seed, the
 * same initial weights — for every layer, loss and architecture the builder has.
 */
class ModelDescriptionTest {
    private static ExperimentBuilder images(ArchitecturePlan arch) {
        return new ExperimentBuilder()
                .input(1, 8, 8)
                .trunk(Layers.conv2d(4, 3, 1, 1, false), Layers.batchNorm(1e-3, 0.2), Layers.leakyRelu(0.1),
                        Layers.maxPool(2), Layers.conv2d(4, 3), Layers.gelu(), Layers.avgPool(2, 1, 0),
                        Layers.layerNorm(2, 1e-4), Layers.flatten(), Layers.dropout(0.25), Layers.dense(6, false),
                        Layers.sigmoid())
                .task(TaskPlan.named("kind").head(Layers.dense(3), Layers.tanh(), Layers.dense(3))
                        .loss(Losses.crossEntropy(0.1f, Reduction.SUM))
                        .metrics(Metrics.accuracy(), Metrics.f1(Average.MACRO), Metrics.topK(2))
                        .classNames("a", "b", "c"))
                .task(TaskPlan.named("size").head(Layers.dense(1)).loss(Losses.huber(0.5f, Reduction.MEAN))
                        .labels(LabelType.REAL_VECTOR).weight(0.25).metrics(Metrics.r2()))
                .task(TaskPlan.named("flags").head(Layers.dense(2), Layers.softmax()).loss(Losses.mae())
                        .labels(LabelType.REAL_VECTOR))
                .architecture(arch)
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.defaults())))
                .training(TrainingPlan.defaults().seed(17));
    }

    static void assertRebuilds(Experiment e) {
        ModelDescription d = e.modelDescription();
        String json = Json.pretty(d.toJson());
        ModelDescription read = ModelDescription.fromJson(Json.parse(json, "test"), "test");
        assertEquals(json, Json.pretty(read.toJson()));
        Architecture rebuilt = read.architecture(17);
        Map<String, Tensor> want = e.architecture().stateDict();
        Map<String, Tensor> got = rebuilt.stateDict();
        assertEquals(List.copyOf(want.keySet()), List.copyOf(got.keySet()));
        want.forEach((k, v) -> assertArrayEquals(v.data(), got.get(k).data(), k));
        assertEquals(e.architecture().tasks().toString(), rebuilt.tasks().toString());
        for (int i = 0; i < rebuilt.tasks().size(); i++) {
            assertEquals(e.architecture().tasks().get(i).metrics().toString(),
                    rebuilt.tasks().get(i).metrics().toString());
            assertEquals(e.architecture().tasks().get(i).loss().settings(), rebuilt.tasks().get(i).loss().settings());
        }
    }

    @Test
    void everyLayerLossAndMetricOfAnImageModelRoundTrips() {
        Experiment e = images(ArchitecturePlan.hardSharing()).build();
        assertRebuilds(e);
        assertEquals(List.of("a", "b", "c"), e.modelDescription().task("kind").classNames());
        assertEquals(Map.of("type", "conv2d", "filters", 4, "kernel", 3, "stride", 1, "padding", 1, "bias", false),
                Map.copyOf(e.modelDescription().trunk().get(0).settings()));
    }

    @Test
    void everyArchitectureRoundTrips() {
        for (ArchitecturePlan a : List.of(ArchitecturePlan.softSharing(0.01), ArchitecturePlan.crossStitch(4, 8))) {
            assertRebuilds(images(a).build());
        }
        for (ArchitecturePlan a : List.of(ArchitecturePlan.mmoe(3), ArchitecturePlan.omoe(2))) {
            assertRebuilds(new ExperimentBuilder().input(5).trunk(Layers.dense(4), Layers.relu())
                    .task(TaskPlan.named("y").head(Layers.dense(1)).loss(Losses.bceWithLogits())
                            .labels(LabelType.BINARY).metrics(Metrics.auc()))
                    .architecture(a).optimizer(OptimizerPlan.of(Algorithm.of(Adam.defaults())))
                    .training(TrainingPlan.defaults().seed(17)).build());
        }
        assertRebuilds(new ExperimentBuilder().input(6).trunk(Layers.embedding(10, 3), Layers.flatten())
                .task(TaskPlan.named("y").head(Layers.dense(2)).loss(Losses.crossEntropy()))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.defaults())))
                .training(TrainingPlan.defaults().seed(17)).build());
    }

    @Test
    void faultsNameTheSourceAndTheField() {
        Map<String, Object> json = new java.util.LinkedHashMap<>(images(ArchitecturePlan.hardSharing()).build()
                .modelDescription().toJson());
        String text = Json.write(json).replace("\"crossEntropy\"", "\"hinge\"");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelDescription.fromJson(Json.parse(text, "m.json"), "m.json"));
        assertEquals("m.json: $.tasks[0].loss.type: unknown loss type 'hinge'", e.getMessage());

        String noUnits = Json.write(json).replaceFirst("\"units\":6,", "");
        e = assertThrows(IllegalArgumentException.class,
                () -> ModelDescription.fromJson(Json.parse(noUnits, "m.json"), "m.json"));
        assertEquals("m.json: $.trunk[10].units: missing", e.getMessage());

        String version = Json.write(json).replace("\"version\":1", "\"version\":7");
        e = assertThrows(IllegalArgumentException.class,
                () -> ModelDescription.fromJson(Json.parse(version, "m.json"), "m.json"));
        assertEquals("m.json: $.version: this Polyhead reads model descriptions of version 1, got 7", e.getMessage());
    }
}
