package polyhead.dsl

import kotlin.properties.ReadWriteProperty
import kotlin.reflect.KProperty

/**
 * A DSL builder that collects an immutable spec of type [S]: its settable properties show one field of [spec] each
 * and set it by copying the spec with that field changed ([field]), so each is one line in its builder.
 */
@PolyheadDsl
abstract class SpecBuilder<S> @PublishedApi internal constructor(@PublishedApi internal var spec: S) {
    /** A property reading [read] of the spec and writing by [write], e.g. `field({ epochs }) { copy(epochs = it) }`. */
    protected fun <T> field(read: S.() -> T, write: S.(T) -> S): ReadWriteProperty<SpecBuilder<S>, T> =
        object : ReadWriteProperty<SpecBuilder<S>, T> {
            override fun getValue(thisRef: SpecBuilder<S>, property: KProperty<*>): T = thisRef.spec.read()

            override fun setValue(thisRef: SpecBuilder<S>, property: KProperty<*>, value: T) {
                thisRef.spec = thisRef.spec.write(value)
            }
        }
}
