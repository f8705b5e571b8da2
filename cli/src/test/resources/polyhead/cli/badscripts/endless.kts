// never finishes: stopped at the time limit (the manifest gives --script-timeout 2)
var n = 0L
while (true) {
    n++
}
multiTask { input(784) }
