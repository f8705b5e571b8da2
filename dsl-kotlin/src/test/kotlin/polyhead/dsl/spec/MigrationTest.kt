package polyhead.dsl.spec

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import polyhead.dsl.ReferenceSpecs

class MigrationTest : FunSpec({
    fun obj(text: String) = Json.parseToJsonElement(text).jsonObject

    /** [current] without the keys added since version 1 (their defaults are what version 1 did, so none is migrated). */
    fun withoutAddedInV2(current: JsonObject): JsonObject {
        fun JsonObject.minus(section: String, vararg keys: String) =
            JsonObject(this + (section to JsonObject(getValue(section).jsonObject - keys.toSet())))
        fun layers(l: JsonElement) = JsonArray(l.jsonArray.map { JsonObject(it.jsonObject - setOf("init", "biasInit")) })
        val tasks = JsonArray(current.getValue("tasks").jsonArray.map { t -> JsonObject(t.jsonObject + ("head" to layers(t.jsonObject.getValue("head")))) })
        val training = current.getValue("training").jsonObject
        val earlyStopping = JsonObject(training.getValue("earlyStopping").jsonObject - "higherIsBetter")
        return JsonObject(current + ("trunk" to layers(current.getValue("trunk"))) + ("tasks" to tasks) + ("training" to JsonObject(training + ("earlyStopping" to earlyStopping))))
            .minus("optimizer", "scheduleUnit", "reduceOnPlateau", "gradientAccumulation", "maximize", "ema")
            .minus("training", "sampling", "diagnostics", "onNonFinite", "evalBatchSize", "explodingGradients")
    }

    test("a version-1 file is migrated explicitly and reads as the current spec") {
        val v1 = ReferenceSpecs.resource("reference-spec-v1.json")
        SpecJson.load(v1) shouldBe SpecResult.Ok(ReferenceSpecs.design)
    }

    test("v1 → v2 renames lossWeight and training.batch, keeping every other key and the key order") {
        val errors = mutableListOf<SpecError>()
        val migrated = Migrations.v1ToV2(obj(ReferenceSpecs.resource("reference-spec-v1.json")), errors)
        errors shouldBe emptyList()
        migrated shouldBe withoutAddedInV2(obj(ReferenceSpecs.resource("reference-spec.json")))
        migrated.getValue("training").jsonObject.keys.toList() shouldBe
            listOf("epochs", "batchSize", "seed", "validationSplit", "earlyStopping", "checkpoints")
        SpecJson.decode(migrated.toString()) shouldBe SpecResult.Ok(ReferenceSpecs.design)
    }

    test("the current version passes through unchanged") {
        val current = obj(ReferenceSpecs.resource("reference-spec.json"))
        Migrations.toCurrent(current) shouldBe Migrations.Result.Ok(current)
    }

    test("a version-1 file with both the old and the new name is a fault, not a guess") {
        val text = """{"version": 1, "input": [4], "tasks": [{"name": "a", "lossWeight": 1.0, "weight": 2.0}]}"""
        SpecJson.decode(text) shouldBe SpecResult.Failed(
            listOf(SpecError("$.tasks[0].weight", "a version-1 spec calls this 'lossWeight'; it has both 'lossWeight' and 'weight'")),
        )
    }

    test("a missing, newer or malformed version is reported at \$.version") {
        fun fault(text: String) = SpecJson.decode(text).errorsOrEmpty.single()
        fault("""{"input": [4]}""") shouldBe
            SpecError("$.version", "missing; a spec states the version it was written for (1 to 2)")
        fault("""{"version": 3}""") shouldBe
            SpecError("$.version", "version 3 is newer than this Polyhead reads (1 to 2)")
        fault("""{"version": 0}""") shouldBe SpecError("$.version", "unknown version 0; versions run from 1 to 2")
        fault("""{"version": "2"}""") shouldBe SpecError("$.version", "expected an integer version, got the string \"2\"")
    }
})
