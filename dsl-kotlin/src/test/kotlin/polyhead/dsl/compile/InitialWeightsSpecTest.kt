package polyhead.dsl.compile

import io.kotest.core.spec.style.FunSpec
import io.kotest.engine.spec.tempdir
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldNotContain
import polyhead.checkpoint.WeightImport
import polyhead.dsl.adam
import polyhead.dsl.crossEntropy
import polyhead.dsl.dense
import polyhead.dsl.multiTask
import polyhead.dsl.relu
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.SpecError
import polyhead.dsl.spec.SpecJson
import polyhead.dsl.spec.SpecResult
import polyhead.experiment.Algorithm
import polyhead.experiment.ExperimentBuilder
import polyhead.experiment.InitialWeights
import polyhead.experiment.Layers
import polyhead.experiment.OptimizerPlan
import polyhead.experiment.TaskPlan
import polyhead.experiment.TrainingPlan
import polyhead.io.Safetensors
import polyhead.loss.Losses
import polyhead.optim.Optimizers
import polyhead.tensor.Tensor

/**
 * Initial weights from the DSL and the JSON spec: the same weights as the Java builder's `initialWeights`, the
 * settings' faults at their JSON paths, the file's faults at `$.initialWeights` in one line.
 */
class InitialWeightsSpecTest : FunSpec({
    val dir = tempdir()
    // a model of another seed, saved under other names: what a file made elsewhere looks like
    fun model(seed: Long, initial: InitialWeights? = null) = ExperimentBuilder().input(4)
        .trunk(Layers.dense(6), Layers.relu())
        .task(TaskPlan.named("a").head(Layers.dense(3)).loss(Losses.crossEntropy()))
        .optimizer(OptimizerPlan.of(Algorithm.of(Optimizers.Adam.lr(0.01))))
        .training(TrainingPlan.defaults().seed(seed))
        .initialWeights(initial)
        .build().architecture()
    val file = dir.resolve("pretrained.safetensors").toPath()
    Safetensors.write(file, model(99).stateDict().mapKeys { (k, _) -> k.replace("trunk.", "encoder.") })
    val rules = mapOf("encoder.*" to "trunk.*")
    fun spec(path: String = file.toString(), map: Map<String, String> = rules, sha256: String? = null): ExperimentSpec =
        multiTask {
            input(4)
            trunk { dense(6); relu() }
            task("a") { head { dense(3) }; loss = crossEntropy() }
            optimizer = adam(lr = 0.01)
            initialWeights(path, map = map, sha256 = sha256)
        }

    fun values(a: polyhead.mtl.arch.Architecture) = a.stateDict().mapValues { it.value.data().toList() }

    test("the DSL, the JSON and the Java builder start from the file's weights") {
        val java = model(0, InitialWeights.from(file).map(rules))
        values(java) shouldBe values(model(99))
        values(java) shouldNotBe values(model(0))
        values(SpecCompiler.compile(spec()).architecture) shouldBe values(java)
        val json = SpecJson.encode(spec())
        (SpecCompiler.load(json) as SpecResult.Ok).spec shouldBe spec()
        SpecJson.encode(multiTask { input(4) }) shouldNotContain "initialWeights"
    }

    test("the settings' faults at their JSON paths, the file's at \$.initialWeights") {
        SpecCompiler.check(spec(path = " ", map = mapOf("encoder.*" to "trunk.", "x" to "y"), sha256 = "ABC")) shouldBe listOf(
            SpecError("$.initialWeights.file", "the safetensors file to start from; got an empty name"),
            SpecError("$.initialWeights.map[\"encoder.*\"]", "'encoder.*' → 'trunk.': a prefix rule ends both names " +
                "with '*' (\"encoder.*\": \"trunk.*\"), and '*' goes nowhere else"),
            SpecError("$.initialWeights.sha256", "64 lower-case hex digits, got 'ABC'"),
        )
        fun fileFault(s: ExperimentSpec): List<SpecError> =
            runCatching { SpecCompiler.compile(s) }.exceptionOrNull().let { (it as polyhead.dsl.spec.InvalidSpecException).errors }
        fileFault(spec(map = emptyMap())).single().message.startsWith(
            "$file: strict import: no value for the module's 'trunk.0.weight' [6, 4]") shouldBe true
        val sha = WeightImport.sha256(file)
        SpecCompiler.compile(spec(sha256 = sha))
        fileFault(spec(sha256 = "f".repeat(64))) shouldBe listOf(SpecError("$.initialWeights",
            "$file: SHA-256 is $sha, initialWeights.sha256 expects ${"f".repeat(64)} (another file than the run's)"))
        Safetensors.write(file.resolveSibling("bad.safetensors"), mapOf("encoder.0.weight" to Tensor.zeros(2, 2)))
        fileFault(spec(path = file.resolveSibling("bad.safetensors").toString(), map = rules)).single().path shouldBe
            "$.initialWeights"
    }
})
