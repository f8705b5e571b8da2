package polyhead.dsl.script

/**
 * What a script's exception says, in words: a script's author wrote Kotlin, not Java, so a fault names the script's
 * line and what went wrong, never a Java class (`StackOverflowError`, `NoSuchElementException`). The exception's own
 * message is kept; the kinds a script meets most often get a few words of their own.
 */
internal object ScriptExceptions {
    /** The fault of [error], thrown by the script [name] of [text], at the script's line where the stack shows it. */
    fun fault(error: Throwable, name: String, text: String): ScriptFault =
        ScriptFault(name, scriptLine(error.stackTrace, name, text), null, words(error))

    /**
     * The line of the innermost frame of the script [name] of [text] in [stack] (a script's class is compiled from
     * its file). Code the script inlined (the DSL's builders are inline functions) has lines beyond the script's last
     * in its frames, which are no line of the script: left out.
     */
    fun scriptLine(stack: Array<StackTraceElement>, name: String, text: String): Int? {
        val fileName = name.substringAfterLast('/').substringAfterLast('\\')
        val lines = text.lines().size
        return stack.firstOrNull { it.fileName == fileName && it.lineNumber in 1..lines }?.lineNumber
    }

    /** [error] in words, without its class's name. */
    fun words(error: Throwable): String {
        // the first line: a fault is one line
        val message = error.message?.lineSequence()?.first()?.takeIf { it.isNotBlank() }
        fun said(words: String) = if (message == null) words else "$words: $message"
        return when (error) {
            is StackOverflowError -> "the script recursed too deeply (its stack is full)"
            is OutOfMemoryError ->
                "the script ran out of memory (the heap of its JVM is ${Runtime.getRuntime().maxMemory() shr 20} MB)"
            is NotImplementedError -> message ?: "an operation is not implemented"
            // before IllegalArgumentException, whose kind it is
            is NumberFormatException -> said("not a number")
            // require(...), check(...) and error(...) say what failed in their message
            is IllegalArgumentException, is IllegalStateException -> message ?: "a requirement failed"
            is NoSuchElementException -> said("no such element")
            is IndexOutOfBoundsException -> said("index out of range")
            is ArithmeticException -> if (message == "/ by zero") "division by zero" else said("arithmetic error")
            // the JVM's own messages of these two name Java classes and methods: the script's line says where
            is NullPointerException -> "a value was null"
            is ClassCastException -> "a value is not of the type the script expects"
            is ConcurrentModificationException -> "a collection was changed while it was iterated"
            is UnsupportedOperationException -> said("unsupported operation")
            else -> message ?: "the script failed (the error has no message)"
        }
    }
}
