// asks for 2 GB at once, beyond the heap of the script's JVM
val buffer = ByteArray(2_000_000_000)
multiTask { input(buffer.size) }
