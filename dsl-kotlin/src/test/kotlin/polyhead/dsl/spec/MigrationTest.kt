package polyhead.dsl.spec

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.jsonObject
import polyhead.dsl.ReferenceSpecs

class MigrationTest : FunSpec({
    fun obj(text: String) = Json.parseToJsonElement(text).jsonObject

    test("a version-1 file is migrated explicitly and reads as the current spec") {
        val v1 = ReferenceSpecs.resource("reference-spec-v1.json")
        SpecJson.load(v1) shouldBe SpecResult.Ok(ReferenceSpecs.design)
    }

    test("v1 → v2 renames lossWeight and training.batch, keeping every other key and the key order") {
        val errors = mutableListOf<SpecError>()
        val migrated = Migrations.v1ToV2(obj(ReferenceSpecs.resource("reference-spec-v1.json")), errors)
        errors shouldBe emptyList()
        // version 2 also added optimizer.scheduleUnit, whose default ("step") is what version 1 did
        val current = obj(ReferenceSpecs.resource("reference-spec.json"))
        val optimizerWithoutUnit = JsonObject(current.getValue("optimizer").jsonObject - "scheduleUnit")
        migrated shouldBe JsonObject(current + ("optimizer" to optimizerWithoutUnit))
        migrated.getValue("training").jsonObject.keys.toList() shouldBe
            listOf("epochs", "batchSize", "seed", "validationSplit", "earlyStopping", "checkpoints")
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
