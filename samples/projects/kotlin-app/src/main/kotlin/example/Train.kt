package example

fun main(args: Array<String>) {
    println("train kt " + polyhead.dsl.spec.ExperimentSpec::class)
}
