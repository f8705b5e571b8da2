package polyhead.dsl.compile

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import polyhead.dsl.spec.AlgorithmSpec
import polyhead.dsl.spec.MetricNames
import polyhead.dsl.spec.EarlyStoppingSpec
import polyhead.dsl.spec.LossSpec
import polyhead.dsl.spec.MgdaNormalization
import polyhead.dsl.spec.ScheduleSpec
import polyhead.dsl.spec.WeightingSpec
import polyhead.loss.Losses
import polyhead.metrics.Metrics
import polyhead.mtl.weighting.CaGrad
import polyhead.mtl.weighting.Dwa
import polyhead.mtl.weighting.GradNorm
import polyhead.mtl.weighting.Mgda
import polyhead.mtl.weighting.Uncertainty
import polyhead.optim.OptimizerCatalogue
import polyhead.optim.Optimizers
import polyhead.experiment.Algorithm
import kotlinx.serialization.descriptors.elementNames
import polyhead.optim.schedule.Anneal
import polyhead.optim.schedule.Schedules
import polyhead.experiment.TrainingPlan
import polyhead.dsl.spec.TrainingSpec
import polyhead.mtl.weighting.NashMtl
import polyhead.train.EarlyStopping
import polyhead.train.Trainer

/**
 * The spec cannot import the core, so where the core states a default the spec states it again for its JSON (but for
 * the optimizers' and schedules' settings, which the spec leaves to the core and spells out from it); this test keeps
 * the two from disagreeing. Likewise the spec's table of metrics by label type against the core's metrics.
 */
class DefaultsTest : FunSpec({
    test("optimizer defaults are the core's (PyTorch's), spelled out from the core's catalogue") {
        fun lr(s: polyhead.optim.schedule.Schedule) = s.valueAt(0)
        fun filled(a: AlgorithmSpec) = CatalogueDefaults().algorithm(a)
        Optimizers.Sgd.lr(0.1).let { d -> (filled(AlgorithmSpec.Sgd(0.1)) as AlgorithmSpec.Sgd).let { listOf(it.momentum, it.dampening, it.weightDecay, it.nesterov) shouldBe listOf(d.momentum(), d.dampening(), d.weightDecay(), d.nesterov()) } }
        Optimizers.Adagrad.defaults().let { d -> filled(AlgorithmSpec.Adagrad()) shouldBe AlgorithmSpec.Adagrad(lr(d.lr()), d.lrDecay(), d.weightDecay(), d.initialAccumulator(), d.eps()) }
        Optimizers.RmsProp.defaults().let { d -> filled(AlgorithmSpec.RmsProp()) shouldBe AlgorithmSpec.RmsProp(lr(d.lr()), d.alpha(), d.eps(), d.weightDecay(), d.momentum(), d.centered()) }
        Optimizers.Adadelta.defaults().let { d -> filled(AlgorithmSpec.Adadelta()) shouldBe AlgorithmSpec.Adadelta(lr(d.lr()), d.rho(), d.eps(), d.weightDecay()) }
        Optimizers.Adam.defaults().let { d -> filled(AlgorithmSpec.Adam()) shouldBe AlgorithmSpec.Adam(lr(d.lr()), d.beta1(), d.beta2(), d.eps(), d.weightDecay(), d.amsgrad()) }
        Optimizers.AdamW.defaults().let { d -> filled(AlgorithmSpec.AdamW()) shouldBe AlgorithmSpec.AdamW(lr(d.lr()), d.beta1(), d.beta2(), d.eps(), d.weightDecay(), d.amsgrad()) }
        Optimizers.Adamax.defaults().let { d -> filled(AlgorithmSpec.Adamax()) shouldBe AlgorithmSpec.Adamax(lr(d.lr()), d.beta1(), d.beta2(), d.eps(), d.weightDecay()) }
        Optimizers.NAdam.defaults().let { d -> filled(AlgorithmSpec.NAdam()) shouldBe AlgorithmSpec.NAdam(lr(d.lr()), d.beta1(), d.beta2(), d.eps(), d.weightDecay(), d.momentumDecay()) }
        Optimizers.RAdam.defaults().let { d -> filled(AlgorithmSpec.RAdam()) shouldBe AlgorithmSpec.RAdam(lr(d.lr()), d.beta1(), d.beta2(), d.eps(), d.weightDecay()) }
        polyhead.optim.Plateau.min(1.0).let { d ->
            polyhead.dsl.spec.PlateauSpec().let { listOf(it.mode.name, it.factor, it.patience, it.threshold, it.thresholdMode.name, it.cooldown, it.minLr, it.eps) } shouldBe
                listOf(d.mode().name, d.factor(), d.patience(), d.threshold(), d.thresholdMode().name, d.cooldown(), d.minLr(), d.eps())
        }
        Optimizers.Lion.defaults().let { d -> filled(AlgorithmSpec.Lion()) shouldBe AlgorithmSpec.Lion(lr(d.lr()), d.beta1(), d.beta2(), d.weightDecay()) }
    }

    test("the spec's algorithms are the core's catalogue: the same names, each with the core's settings in order") {
        val subclasses = AlgorithmSpec.serializer().descriptor.getElementDescriptor(1)
        val spec = subclasses.elementNames.associateWith { name -> subclasses.getElementDescriptor(subclasses.getElementIndex(name)).elementNames.toList() }
        spec shouldBe OptimizerCatalogue.entries().associate { it.name() to it.fields() }
    }

    test("a setting the spec leaves out compiles to the core's default; one it gives, to its value") {
        Algorithm.of("adam", mapOf<String, Any>()).toString() shouldBe Algorithm.of(Optimizers.Adam.defaults()).toString()
        Algorithm.of("adamw", mapOf("weightDecay" to 0.5)).weightDecay() shouldBe 0.5
        Algorithm.of("sgd", mapOf("lr" to 0.1)).lr() shouldBe 0.1
        CatalogueDefaults().algorithm(AlgorithmSpec.AdamW(lr = 3e-4, amsgrad = true)) shouldBe
            AlgorithmSpec.AdamW(3e-4, 0.9, 0.999, 1e-8, 1e-2, true)
    }

    test("schedule, loss, weighting and early-stopping defaults are the core's") {
        @Suppress("UNCHECKED_CAST")
        fun <T : ScheduleSpec> filled(s: T): T = CatalogueDefaults().schedule(s) as T
        filled(ScheduleSpec.Step(1)).gamma shouldBe Schedules.DEFAULT_GAMMA
        filled(ScheduleSpec.MultiStep(listOf(1))).gamma shouldBe Schedules.DEFAULT_GAMMA
        filled(ScheduleSpec.Cosine(1)).etaMin shouldBe Schedules.DEFAULT_ETA_MIN
        filled(ScheduleSpec.CosineWarmRestarts(1)).let { listOf(it.tMult!!.toDouble(), it.etaMin) } shouldBe listOf(Schedules.DEFAULT_T_MULT.toDouble(), Schedules.DEFAULT_ETA_MIN)
        filled(ScheduleSpec.OneCycle(1)).let { listOf(it.pctStart, it.divFactor, it.finalDivFactor, it.threePhase) } shouldBe
            listOf(Schedules.DEFAULT_PCT_START, Schedules.DEFAULT_DIV_FACTOR, Schedules.DEFAULT_FINAL_DIV_FACTOR, Schedules.DEFAULT_THREE_PHASE)
        (filled(ScheduleSpec.OneCycle(1)).anneal!!.name == "COSINE") shouldBe (Schedules.DEFAULT_ANNEAL == Anneal.COSINE)

        LossSpec.CrossEntropy().labelSmoothing shouldBe Losses.DEFAULT_LABEL_SMOOTHING.toDouble()
        LossSpec.Huber().delta shouldBe Losses.DEFAULT_HUBER_DELTA.toDouble()
        LossSpec.Mse().reduction.name shouldBe Losses.DEFAULT_REDUCTION.name

        WeightingSpec.Uncertainty().initialLogVariance shouldBe Uncertainty.DEFAULT_INITIAL_LOG_VARIANCE
        WeightingSpec.Dwa().temperature shouldBe Dwa.DEFAULT_TEMPERATURE
        WeightingSpec.CaGrad().c shouldBe CaGrad.DEFAULT_C
        WeightingSpec.GradNorm().alpha shouldBe GradNorm.DEFAULT_ALPHA
        WeightingSpec.Mgda().normalization shouldBe MgdaNormalization.valueOf(Mgda.DEFAULT_NORMALIZATION.name)

        EarlyStopping.on("val.loss").let { d -> EarlyStoppingSpec("val.loss") shouldBe EarlyStoppingSpec(d.monitor(), d.patience(), d.minDelta(), d.restoreBest(), d.higherIsBetter()) }
        WeightingSpec.Mgda().let { listOf(it.tolerance, it.maxIterations.toDouble()) } shouldBe listOf(Mgda.DEFAULT_TOLERANCE, Mgda.DEFAULT_MAX_ITERATIONS.toDouble())
        WeightingSpec.CaGrad().let { listOf(it.tolerance, it.maxIterations.toDouble()) } shouldBe listOf(CaGrad.DEFAULT_TOLERANCE, CaGrad.DEFAULT_MAX_ITERATIONS.toDouble())
        WeightingSpec.NashMtl().maxIterations shouldBe NashMtl.DEFAULT_MAX_ITERATIONS
        WeightingSpec.UpGrad().let { listOf(it.normEps, it.regEps) } shouldBe listOf(polyhead.mtl.weighting.UpGrad.DEFAULT_NORM_EPS, polyhead.mtl.weighting.UpGrad.DEFAULT_REG_EPS)
        TrainingSpec().evalBatchSize shouldBe Trainer.DEFAULT_EVAL_BATCH_SIZE
        TrainingSpec().explodingGradients shouldBe Trainer.DEFAULT_EXPLODING_FACTOR
    }

    test("the spec's training defaults are the Java builder's") {
        trainingPlan(TrainingSpec()) shouldBe TrainingPlan.defaults()
    }

    test("the spec's metric names are the core's (which labels they fit and their direction are the core's rules)") {
        val fixed = MetricNames.known - "top<k>_accuracy"
        for (name in fixed) Metrics.parse(name).name() shouldBe name
        polyhead.data.LabelType.entries.flatMap { Metrics.names(it) }.distinct() shouldBe fixed
        MetricNames.isKnown("top3_accuracy") shouldBe true
        Metrics.parse("top3_accuracy").name() shouldBe "top3_accuracy"
        MetricNames.isKnown("no_such_metric") shouldBe false
    }
})
