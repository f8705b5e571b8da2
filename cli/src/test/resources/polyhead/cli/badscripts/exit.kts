// ends the process from a function of its own: refused at the line of the exit
fun done(): Nothing = kotlin.system.exitProcess(0)
val spec = multiTask { input(784) }
done()
