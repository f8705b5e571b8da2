package polyhead.dsl

import polyhead.dsl.spec.ExperimentSpec

/** Specs the tests share. */
object ReferenceSpecs {
    /** DESIGN.md's target usage, verbatim. */
    val design: ExperimentSpec = multiTask {
        input(1, 28, 28)
        trunk { conv2d(10, kernel = 5); relu(); maxPool(2); flatten(); dense(50); relu() }
        task("item") { head { dense(10) }; loss = crossEntropy(); weight = 1.0; metrics(accuracy()) }
        task("group") { head { dense(4) }; loss = crossEntropy(); weight = 0.5 }
        architecture = hardSharing()
        weighting = fixed()
        optimizer = adamw(lr = 1e-3, weightDecay = 1e-2) { clipByGlobalNorm(1.0) }
        training { epochs = 10; batchSize = 128; seed = 42; earlyStopping(monitor = "val.item.accuracy") }
    }

    /** Text of a test resource under `polyhead/dsl/`. */
    fun resource(name: String): String =
        checkNotNull(ReferenceSpecs::class.java.getResource("/polyhead/dsl/$name")) { "no test resource $name" }.readText()

    /** The bytes of a test resource, for files that are not UTF-8 text. */
    fun bytes(name: String): ByteArray =
        checkNotNull(ReferenceSpecs::class.java.getResource("/polyhead/dsl/$name")) { "no test resource $name" }.readBytes()
}
