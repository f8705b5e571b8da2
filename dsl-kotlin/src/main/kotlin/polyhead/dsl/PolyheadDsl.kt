package polyhead.dsl

/**
 * The marker of every Polyhead builder class: inside a block, only the innermost builder's verbs resolve without a
 * qualifier, so `dense(10)` inside `head { }` cannot reach the task or experiment around it by mistake (a `task(…)`
 * inside a `head { }` block does not compile).
 */
@DslMarker
@Target(AnnotationTarget.CLASS)
annotation class PolyheadDsl
