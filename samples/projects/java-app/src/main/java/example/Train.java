package example;

import java.nio.file.Path;

public final class Train {
    public static void main(String[] args) throws Exception {
        System.out.println("train " + Path.of(args[0]).toFile().exists() + " " + polyhead.tensor.Gemms.class);
    }
}
