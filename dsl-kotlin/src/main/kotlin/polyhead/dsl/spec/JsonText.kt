package polyhead.dsl.spec

/**
 * Faults of JSON text that the parser would choke on or let pass, found in one iterative pass over the characters:
 * nesting deeper than [MAX_DEPTH] (which would overflow the stack of the recursive steps after parsing), and a key
 * given twice in one object (the parser keeps the last one, silently dropping the other).
 */
internal object JsonText {
    /** Far deeper than any spec; a spec nests about six levels. */
    const val MAX_DEPTH = 64

    private class Frame(val path: String, val isObject: Boolean) {
        val keys = HashSet<String>()
        var expectKey = isObject
        var index = 0
        var lastKey = ""

        fun childPath(): String = if (isObject) "$path.$lastKey" else "$path[$index]"
    }

    /** The first fault of [text], or null; duplicated keys only with [duplicates] (for text that parsed). */
    fun check(text: String, duplicates: Boolean): SpecError? {
        val stack = ArrayDeque<Frame>()
        var i = 0
        while (i < text.length) {
            when (text[i]) {
                '"' -> {
                    val start = i
                    i++
                    while (i < text.length && text[i] != '"') {
                        if (text[i] == '\\') i++
                        i++
                    }
                    val top = stack.lastOrNull()
                    if (top != null && top.isObject && top.expectKey) {
                        val key = text.substring(start + 1, minOf(i, text.length))
                        if (duplicates && !top.keys.add(key)) {
                            val (line, column) = SpecJson.lineAndColumn(text, start)
                            return SpecError("${top.path}.$key", "key '$key' given twice; each key appears once in an object",
                                line, column)
                        }
                        top.lastKey = key
                        top.expectKey = false
                    }
                }
                '{', '[' -> {
                    if (stack.size == MAX_DEPTH) {
                        val (line, column) = SpecJson.lineAndColumn(text, i)
                        return SpecError("$", "nested deeper than $MAX_DEPTH levels", line, column)
                    }
                    val path = stack.lastOrNull()?.childPath() ?: "$"
                    stack.addLast(Frame(path, text[i] == '{'))
                }
                '}', ']' -> stack.removeLastOrNull()
                ',' -> stack.lastOrNull()?.let { it.expectKey = it.isObject; it.index++ }
            }
            i++
        }
        return null
    }
}
