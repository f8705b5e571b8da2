// ends the process without running shutdown hooks: refused all the same, without a line
Runtime.getRuntime().halt(3)
multiTask { input(784) }
