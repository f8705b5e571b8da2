package polyhead.dsl.script

import kotlinx.serialization.KSerializer
import polyhead.dsl.spec.ExperimentSpec
import java.io.File
import kotlin.reflect.KClass
import kotlin.script.experimental.annotations.KotlinScript
import kotlin.script.experimental.api.ScriptCompilationConfiguration
import kotlin.script.experimental.api.compilerOptions
import kotlin.script.experimental.api.defaultImports
import kotlin.script.experimental.jvm.jvm
import kotlin.script.experimental.jvm.updateClasspath

/**
 * The definition of a Polyhead experiment script: a Kotlin script (`.kts`) whose last expression is a
 * `multiTask { … }`, which yields the script's [ExperimentSpec]. The DSL (`polyhead.dsl.*`) and the spec's types
 * (`polyhead.dsl.spec.*`, for values such as `Labels.CLASS_INDEX`) are imported by default, so a script is the
 * experiment and nothing else:
 *
 * ```
 * multiTask {
 *     input(784)
 *     trunk { dense(256); relu() }
 *     task("item") { head { dense(10) }; loss = crossEntropy(); metrics(accuracy()) }
 * }
 * ```
 *
 * [SpecScripts] compiles and runs such a script. The file extension is plain `kts`, so an experiment is named like
 * any Kotlin script (`fashion.kts`); for that reason the definition is not registered for discovery
 * (`META-INF/kotlin/script/templates`): an IDE that took it up would claim every `.kts`, Gradle's build scripts among
 * them.
 */
@KotlinScript(
    displayName = "Polyhead experiment",
    fileExtension = "kts",
    compilationConfiguration = PolyheadScriptCompilation::class,
)
abstract class PolyheadScript

/** How a [PolyheadScript] is compiled: default imports, the classpath it sees, and the JVM target of the DSL. */
object PolyheadScriptCompilation : ScriptCompilationConfiguration({
    defaultImports("polyhead.dsl.*", "polyhead.dsl.spec.*")
    // The DSL's inline builders are compiled for JVM 17; a script inlines them, so it must target 17 too.
    compilerOptions("-jvm-target", "17")
    jvm {
        // Only what a script needs to describe an experiment: the DSL and spec, the Kotlin standard library and the
        // serialization runtime the spec classes implement. Not the core: a script describes, the tool compiles.
        updateClasspath(classpathOf(ExperimentSpec::class, Unit::class, KSerializer::class))
    }
}) {
    private fun readResolve(): Any = PolyheadScriptCompilation
}

/** The jar or class folder each class was loaded from. */
private fun classpathOf(vararg classes: KClass<*>): List<File> = classes.map { c ->
    val location = c.java.protectionDomain?.codeSource?.location
        ?: error("cannot find where ${c.qualifiedName} was loaded from, so scripts cannot be compiled against it")
    File(location.toURI())
}.distinct()
