package polyhead.dsl.compile

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import polyhead.autodiff.GradMode
import polyhead.autodiff.Var
import polyhead.dsl.ReferenceSpecs
import polyhead.dsl.accuracy
import polyhead.dsl.crossEntropy
import polyhead.dsl.crossStitch
import polyhead.dsl.dense
import polyhead.dsl.dropout
import polyhead.dsl.flatten
import polyhead.dsl.mmoe
import polyhead.dsl.mse
import polyhead.dsl.multiTask
import polyhead.dsl.relu
import polyhead.dsl.softSharing
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.Labels
import polyhead.dsl.tanh
import polyhead.loss.Losses
import polyhead.metrics.Metrics
import polyhead.mtl.Task
import polyhead.mtl.arch.Architecture
import polyhead.mtl.arch.CrossStitch
import polyhead.mtl.arch.HardSharing
import polyhead.mtl.arch.Mmoe
import polyhead.mtl.arch.SoftSharing
import polyhead.nn.Activation
import polyhead.nn.Conv2d
import polyhead.nn.Dropout
import polyhead.nn.Flatten
import polyhead.nn.Linear
import polyhead.nn.MaxPool2d
import polyhead.nn.Module
import polyhead.nn.Sequential
import polyhead.tensor.Tensor
import java.util.Random
import java.util.function.Supplier

/**
 * The compiled model equals the one a Java user builds by hand from the core with the same seed: same parameter
 * names, same values, same outputs, bit for bit. The hand-built models below draw from `Random(seed)` in the
 * compiler's documented order (body, then heads in task order, then MMoE's gates).
 */
class CompiledModelTest : FunSpec({
    fun outputs(arch: Architecture, input: Tensor): Map<String, List<Float>> {
        arch.eval()
        GradMode.noGrad().use { return arch.outputs(Var.constant(input)).mapValues { it.value.value().data().toList() } }
    }

    fun state(m: Module): Map<String, List<Float>> = m.stateDict().mapValues { it.value.data().toList() }

    fun shouldMatch(spec: ExperimentSpec, handBuilt: Architecture, vararg sample: Int) {
        val compiled = SpecCompiler.compile(spec).architecture
        compiled.javaClass shouldBe handBuilt.javaClass
        state(compiled) shouldBe state(handBuilt)
        val input = Tensor.randn(7L, 3, *sample)
        val out = outputs(compiled, input)
        out shouldBe outputs(handBuilt, input)
        out.values.flatten().any { it != 0f } shouldBe true
    }

    fun task(name: String, head: Module, weight: Double = 1.0, vararg metrics: polyhead.metrics.Metric) =
        Task.builder(name).head(head).loss(Losses.crossEntropy()).weight(weight).metrics(*metrics).build()

    test("DESIGN's target spec (hard sharing, conv trunk) equals its hand-built core model") {
        val rng = Random(42)
        val trunk = Sequential(
            Conv2d(1, 10, 5, 1, 0, true, rng), Activation.relu(), MaxPool2d(2, 2, 0), Flatten(),
            Linear(10 * 12 * 12, 50, true, rng), Activation.relu(),
        )
        val item = task("item", Linear(50, 10, true, rng), 1.0, Metrics.accuracy())
        val group = task("group", Linear(50, 4, true, rng), 0.5)
        shouldMatch(ReferenceSpecs.design, HardSharing(trunk, listOf(item, group)), 1, 28, 28)
    }

    test("MMoE: experts, then heads, then gates") {
        val spec = multiTask {
            input(6)
            trunk { dense(8); relu(); dropout(0.1) }
            task("a") { head { dense(3) }; loss = crossEntropy() }
            task("b") { head { dense(2) }; loss = crossEntropy() }
            architecture = mmoe(experts = 3)
            training { seed = 5 }
        }
        val rng = Random(5)
        val experts = (1..3).map { Sequential(Linear(6, 8, true, rng), Activation.relu(), Dropout(0.1f, rng.nextLong())) }.iterator()
        val tasks = listOf(task("a", Linear(8, 3, true, rng)), task("b", Linear(8, 2, true, rng)))
        shouldMatch(spec, Mmoe.onePerTask(Supplier { experts.next() }, 3, 6, tasks, rng), 6)
    }

    test("cross-stitch: each task's stages, then heads") {
        val spec = multiTask {
            input(5)
            trunk { dense(6); tanh(); dense(4); relu() }
            task("a") { head { dense(2) }; loss = crossEntropy() }
            task("b") { head { dense(3) }; loss = crossEntropy() }
            architecture = crossStitch()
            training { seed = 9 }
        }
        val rng = Random(9)
        val stages = listOf("a", "b").map { listOf(Sequential(Linear(5, 6, true, rng), Activation.tanh()), Sequential(Linear(6, 4, true, rng), Activation.relu())) }
        val tasks = listOf(task("a", Linear(4, 2, true, rng)), task("b", Linear(4, 3, true, rng)))
        val suppliers = (0..1).map { s -> stages.map { it[s] }.iterator().let { i -> Supplier<Module> { i.next() } } }
        shouldMatch(spec, CrossStitch(suppliers, tasks), 5)
    }

    test("soft sharing: each task's tower, then heads; regression labels and MSE") {
        val spec = multiTask {
            input(2, 3)
            trunk { flatten(); dense(4); relu() }
            task("x") { head { dense(1) }; loss = mse(); labels = Labels.REAL_VECTOR }
            task("y") { head { dense(2) }; loss = crossEntropy(); metrics(accuracy()) }
            architecture = softSharing(lambda = 0.1)
        }
        val rng = Random(0)
        val towers = (1..2).map { Sequential(Flatten(), Linear(6, 4, true, rng), Activation.relu()) }.iterator()
        val x = Task.builder("x").head(Linear(4, 1, true, rng)).loss(Losses.mse())
            .labels(polyhead.data.LabelType.REAL_VECTOR).build()
        val y = task("y", Linear(4, 2, true, rng), 1.0, Metrics.accuracy())
        shouldMatch(spec, SoftSharing(Supplier { towers.next() }, listOf(x, y), 0.1), 2, 3)
    }
})
