package example

import java.nio.file.Files
import java.nio.file.Path
import polyhead.data.Csv
import polyhead.data.Dataset
import polyhead.dsl.compile.SpecCompiler
import polyhead.dsl.*
import polyhead.dsl.spec.Labels
import polyhead.experiment.TaskPrediction

/** The table: features x1..x4, the class "kind" and the real "price"; an empty cell is a missing label. */
fun read(csv: Path): Csv.Table =
    Csv.read(csv, Csv.spec().features("x1", "x2", "x3", "x4").classIndex("kind", 3).real("price"))

/** The held-out rows: 20%, drawn with seed 7. */
fun testSplit(table: Csv.Table): Dataset.Split = table.dataset().split(0.2, 7)

/** The experiment, in the Kotlin DSL: a shared dense layer, a class head and a real head. */
val experiment = multiTask {
    input(4)
    trunk { dense(32); relu() }
    task("kind") {
        head { dense(3) }
        loss = crossEntropy()
        labels = Labels.CLASS_INDEX
        classNames("low", "mid", "high")
        metrics(accuracy())
    }
    task("price") {
        head { dense(1) }
        loss = mse()
        labels = Labels.REAL_VECTOR
        weight = 0.5
        metrics(r2())
    }
    optimizer = adam(lr = 0.01)
    training { epochs = 20; batchSize = 32; seed = 42; validationSplit = 0.1 }
}

/** Predictions as text, one line per task and sample, with every float's exact bits. */
fun lines(predictions: Map<String, TaskPrediction>): List<String> = predictions.flatMap { (task, p) ->
    val out = p.output().data()
    val n = p.output().shape().dim(0)
    val width = out.size / n
    (0 until n).map { i ->
        val bits = (0 until width).joinToString(" ") { k -> Integer.toHexString(java.lang.Float.floatToRawIntBits(out[i * width + k])) }
        val cls = p.classes()?.let { " class ${it[i]} ${p.classNames()[i]}" } ?: ""
        "$task $bits$cls"
    }
}

/** Trains, evaluates on the held-out rows, saves the model and writes its predictions.  Usage: TrainKt CSV OUT_DIR */
fun main(args: Array<String>) {
    val out = Path.of(args[1])
    val data = testSplit(read(Path.of(args[0])))
    val model = SpecCompiler.compile(experiment).fit(data.train())
    val test = model.evaluate(data.validation())
    println("test: kind accuracy %.4f, price r2 %.4f".format(test["kind.accuracy"], test["price.r2"]))
    check(test.getValue("kind.accuracy") > 0.5) { "kind accuracy ${test["kind.accuracy"]} is not above chance" }
    model.save(out.resolve("model"))
    Files.write(out.resolve("predictions.txt"), lines(model.predict(data.validation().inputs())))
    println("saved ${out.resolve("model")}")
}
