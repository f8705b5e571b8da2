package polyhead.dsl.spec

/**
 * The JSON syntax of a spec, checked in one iterative pass before the parser sees the text, so that a fault is told
 * in plain words at the line and column of the character at fault ("expected ',' or '}' after a field", "unterminated
 * string", "unexpected text after the end of the spec") rather than in the parser's terms. Accepts what the parser
 * accepts: RFC 8259, plus unquoted words as values (`NaN`, `shuffled`), which the structural check then reports at
 * their path with what the field expects.
 */
internal object JsonSyntax {
    private enum class Want { VALUE, KEY, COLON, NEXT }

    /** The first syntax fault of [text], or null. */
    fun check(text: String): SpecError? {
        val stack = ArrayDeque<Char>() // '{' or '['
        var want = Want.VALUE
        var afterComma = false
        var comma = 0 // where the last comma is
        var i = 0
        fun fault(at: Int, message: String): SpecError {
            val (line, column) = SpecJson.lineAndColumn(text, at)
            return SpecError("$", message, line, column)
        }
        while (true) {
            while (i < text.length && text[i] in WHITESPACE) i++
            if (i == text.length) {
                return when {
                    stack.isEmpty() && want == Want.NEXT -> null
                    else -> fault(i, "the text ends before the spec does: " + when {
                        stack.isEmpty() -> "a value is missing"
                        else -> "${open(stack)} is not closed"
                    })
                }
            }
            val c = text[i]
            if (c == '/' && text.getOrNull(i + 1).let { it == '/' || it == '*' }) {
                return fault(i, "a comment; JSON has no comments")
            }
            when (want) {
                Want.VALUE -> when {
                    c == '{' || c == '[' -> {
                        stack.addLast(c)
                        want = if (c == '{') Want.KEY else Want.VALUE
                        afterComma = false
                        i++
                        if (c == '[') {
                            // an empty array
                            var j = i
                            while (j < text.length && text[j] in WHITESPACE) j++
                            if (text.getOrNull(j) == ']') {
                                stack.removeLast()
                                i = j + 1
                                want = Want.NEXT
                            }
                        }
                    }
                    c == '"' -> {
                        i = string(text, i) { at, message -> return fault(at, message) }
                        want = Want.NEXT
                    }
                    c == ']' && afterComma && stack.lastOrNull() == '[' ->
                        return fault(comma, "trailing comma before ']'; remove it")
                    c in STRUCTURAL -> return fault(i, "expected a value, got '$c'")
                    else -> {
                        while (i < text.length && text[i] !in WHITESPACE && text[i] !in STRUCTURAL && text[i] != '"') i++
                        want = Want.NEXT
                    }
                }
                Want.KEY -> when {
                    c == '"' -> {
                        i = string(text, i) { at, message -> return fault(at, message) }
                        want = Want.COLON
                    }
                    c == '}' && !afterComma -> {
                        stack.removeLast()
                        i++
                        want = Want.NEXT
                    }
                    c == '}' -> return fault(comma, "trailing comma before '}'; remove it")
                    else -> return fault(i, "expected a field name in double quotes, got ${shown(text, i)}")
                }
                Want.COLON -> {
                    if (c != ':') return fault(i, "expected ':' after the field name, got ${shown(text, i)}")
                    i++
                    want = Want.VALUE
                    afterComma = false
                }
                Want.NEXT -> {
                    val top = stack.lastOrNull()
                        ?: return fault(i, "unexpected text after the end of the spec")
                    val close = if (top == '{') '}' else ']'
                    when (c) {
                        ',' -> {
                            comma = i
                            i++
                            want = if (top == '{') Want.KEY else Want.VALUE
                            afterComma = true
                        }
                        close -> {
                            stack.removeLast()
                            i++
                        }
                        else -> return fault(i, if (top == '{') "expected ',' or '}' after a field, got ${shown(text, i)}"
                        else "expected ',' or ']' after an element, got ${shown(text, i)}")
                    }
                }
            }
        }
    }

    /** The index just past the string that starts at [start]; its faults go to [fault], which does not return. */
    private inline fun string(text: String, start: Int, fault: (Int, String) -> Nothing): Int {
        var i = start + 1
        while (true) {
            if (i >= text.length) fault(start, "unterminated string: no closing '\"'")
            val c = text[i]
            when {
                c == '"' -> return i + 1
                c == '\n' || c == '\r' -> fault(start, "unterminated string: the line ends before its closing '\"'")
                c < ' ' -> fault(i, "control character U+%04X inside a string; write it as an escape".format(c.code))
                c == '\\' -> {
                    val e = text.getOrNull(i + 1) ?: fault(start, "unterminated string: no closing '\"'")
                    when (e) {
                        '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i += 2
                        'u' -> {
                            val hex = text.substring(i + 2, minOf(i + 6, text.length))
                            if (hex.length < 4 || hex.any { Character.digit(it, 16) < 0 }) {
                                fault(i, "'\\u' needs four hexadecimal digits")
                            }
                            i += 6
                        }
                        in ' '..'~' -> fault(i, "invalid escape '\\$e' in a string")
                        else -> fault(i, "invalid escape: a backslash before U+%04X in a string".format(e.code))
                    }
                }
                else -> i++
            }
        }
    }

    private fun open(stack: ArrayDeque<Char>): String =
        if (stack.last() == '{') "an object ('{')" else "an array ('[')"

    /** The character at [i] as a message shows it. */
    private fun shown(text: String, i: Int): String {
        val c = text[i]
        return when {
            c == '"' -> "a string"
            c in ' '..'~' -> "'$c'"
            else -> "U+%04X".format(c.code)
        }
    }

    private const val WHITESPACE = " \t\n\r"
    private const val STRUCTURAL = ",:{}[]"
}
