package example

fun main(args: Array<String>) {
    println("serve kt")
}
