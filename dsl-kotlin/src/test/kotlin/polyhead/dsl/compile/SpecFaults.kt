package polyhead.dsl.compile

import io.kotest.matchers.shouldBe
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.SpecJson
import polyhead.dsl.spec.SpecResult

/** What the compiler's checks say of [s], one `path: message` string per fault, as the spec tests compare them. */
internal fun paths(s: ExperimentSpec): List<String> = SpecCompiler.check(s).map { "${it.path}: ${it.message}" }

/** Checks that [s] is valid and decodes from its own JSON unchanged; the JSON. */
internal fun roundTrips(s: ExperimentSpec): String {
    val json = SpecJson.encode(s)
    (SpecJson.decode(json) as SpecResult.Ok).spec shouldBe s
    paths(s) shouldBe emptyList()
    return json
}
