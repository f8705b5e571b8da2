package polyhead.dsl.spec

import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive

/**
 * Explicit migrations of spec JSON from older versions to [SPEC_VERSION], one function per version step, applied to
 * the JSON tree before it is decoded — the decoder only ever sees the current version.
 *
 * Version history:
 * - **1**: a task's loss weight was `lossWeight`, and the training batch size was `training.batch`.
 * - **2** (current): `weight` and `training.batchSize`, the names the DSL and the core use. Version 2 also added
 *   keys whose defaults are what version 1 did, so they need no migration: `optimizer.scheduleUnit`,
 *   `optimizer.reduceOnPlateau`, `optimizer.gradientAccumulation`, `training.sampling`, `training.diagnostics`,
 *   `training.onNonFinite`; and later, still optional with a default that changes nothing: a layer's `init` and
 *   `biasInit`, `optimizer.maximize`, `optimizer.ema`, the solver settings of `mgda`, `caGrad` and `nashMtl`,
 *   `training.evalBatchSize`, `training.earlyStopping.higherIsBetter` and the `multiSource` sampling.
 */
object Migrations {
    /** The oldest version this code reads. */
    const val OLDEST_VERSION: Int = 1

    sealed interface Result {
        data class Ok(val json: JsonObject) : Result

        data class Failed(val errors: List<SpecError>) : Result
    }

    /** [root] brought to [SPEC_VERSION], step by step from its `version`. */
    fun toCurrent(root: JsonObject): Result {
        val v = root["version"]
        // read exactly (WholeNumbers): the decoder's own reading wraps 2^64+2 to 2
        val written = (v as? JsonPrimitive)?.takeUnless { it.isString }?.content?.takeIf(WholeNumbers::isWhole)
            ?: return fail(
                "$.version",
                if (v == null) "missing; a spec states the version it was written for ($OLDEST_VERSION to $SPEC_VERSION)"
                else "expected an integer version, got ${kindOf(v)}",
            )
        val exact = written.toBigInteger()
        if (exact > SPEC_VERSION.toBigInteger()) {
            return fail("$.version", "version $written is newer than this Polyhead reads ($OLDEST_VERSION to $SPEC_VERSION)")
        }
        if (exact < OLDEST_VERSION.toBigInteger()) {
            return fail("$.version", "unknown version $written; versions run from $OLDEST_VERSION to $SPEC_VERSION")
        }
        val version = exact.toInt()
        var json = root
        val errors = mutableListOf<SpecError>()
        for (from in version until SPEC_VERSION) {
            json = steps.getValue(from)(json, errors)
            if (errors.isNotEmpty()) return Result.Failed(errors)
        }
        return Result.Ok(json)
    }

    /** Step from version `key` to `key + 1`. */
    private val steps: Map<Int, (JsonObject, MutableList<SpecError>) -> JsonObject> = mapOf(1 to ::v1ToV2)

    /** Version 1 → 2: `tasks[i].lossWeight` → `tasks[i].weight`; `training.batch` → `training.batchSize`. */
    fun v1ToV2(root: JsonObject, errors: MutableList<SpecError>): JsonObject {
        val out = root.toMutableMap()
        out["version"] = JsonPrimitive(2)
        (root["tasks"] as? JsonArray)?.let { tasks ->
            out["tasks"] = JsonArray(
                tasks.mapIndexed { i, t -> if (t is JsonObject) t.renamed("lossWeight", "weight", "$.tasks[$i]", errors) else t },
            )
        }
        (root["training"] as? JsonObject)?.let { out["training"] = it.renamed("batch", "batchSize", "$.training", errors) }
        return JsonObject(out)
    }

    /** This object with key [old] renamed [new], keeping its place; both present is a fault. */
    private fun JsonObject.renamed(old: String, new: String, path: String, errors: MutableList<SpecError>): JsonObject {
        if (old !in this) return this
        if (new in this) {
            errors += SpecError("$path.$new", "a version-1 spec calls this '$old'; it has both '$old' and '$new'")
            return this
        }
        return JsonObject(entries.associate { (k, v): Map.Entry<String, JsonElement> -> (if (k == old) new else k) to v })
    }

    private fun fail(path: String, message: String) = Result.Failed(listOf(SpecError(path, message)))
}
