package example;

public final class Serve {
    public static void main(String[] args) {
        System.out.println("serve");
    }
}
