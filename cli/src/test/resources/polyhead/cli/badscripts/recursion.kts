// recurses without end: the stack fills
fun depth(n: Int): Int = depth(n + 1) + 1
multiTask { input(depth(0)) }
