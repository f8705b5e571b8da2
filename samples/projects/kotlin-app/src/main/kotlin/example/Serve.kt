package example

import java.nio.file.Files
import java.nio.file.Path
import polyhead.experiment.TrainedModel

/**
 * Loads the model TrainKt saved — in a JVM of its own — predicts the same rows and fails unless every number equals
 * what the trained model predicted, bit for bit.  Usage: ServeKt CSV OUT_DIR
 */
fun main(args: Array<String>) {
    val out = Path.of(args[1])
    val model = TrainedModel.load(out.resolve("model"))
    val now = lines(model.predict(testSplit(read(Path.of(args[0]))).validation().inputs()))
    check(now == Files.readAllLines(out.resolve("predictions.txt"))) { "the loaded model predicts differently from the trained one" }
    println("loaded ${out.resolve("model")}: ${now.size} predictions, identical")
    println(now.first())
}
