// Sample 6, the script half: the experiment of fashion.json, written with the Kotlin DSL.
//   ./polyhead train samples/specs/fashion.kts
// The tool compiles this file with its embedded Kotlin compiler (no Kotlin installation needed). The DSL
// (polyhead.dsl.*) and the spec's types (polyhead.dsl.spec.*) are imported by default; the last expression,
// multiTask { ... }, is the experiment. Fashion-MNIST: item is the 10 clothing classes, group 5 groups of them.
multiTask {
    input(784)
    trunk { dense(256); relu(); dense(128); relu() }
    // Both tasks classify, with the same loss and metrics; a script can say so once.
    for ((name, classes, taskWeight) in listOf(Triple("item", 10, 1.0), Triple("group", 5, 0.5))) {
        task(name) {
            head { dense(classes) }
            loss = crossEntropy()
            weight = taskWeight
            labels = Labels.CLASS_INDEX
            metrics(accuracy(), f1(Average.MACRO))
        }
    }
    architecture = hardSharing()
    weighting = fixed()
    optimizer = adam(lr = 1e-3)
    training { epochs = 5; batchSize = 128; seed = 42 }
}
