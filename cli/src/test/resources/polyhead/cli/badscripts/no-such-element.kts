// the first of an empty list
val sizes = listOf(784, 256).filter { it > 1000 }
val units = sizes.first()
multiTask { input(units) }
