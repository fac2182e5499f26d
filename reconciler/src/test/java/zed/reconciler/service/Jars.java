package zed.reconciler.service;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A one-class program, compiled and packed into a jar as a build tool would. */
final class Jars {
    private Jars() {
    }

    /**
     * @param says      what main prints, before its arguments
     * @param mainClass the manifest's Main-Class; null: a jar without one
     */
    static Path make(Path dir, String jarName, String says, boolean mainClass) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src-" + jarName));
        Path classes = Files.createDirectories(dir.resolve("classes-" + jarName));
        Path java = Files.writeString(src.resolve("Hello.java"), """
                public class Hello {
                    public static void main(String[] args) {
                        System.out.println("%s" + String.join(" ", args));
                    }
                }
                """.formatted(says));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = javac.run(null, null, err, "-d", classes.toString(), java.toString());
        assertEquals(0, exit, err.toString());

        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (mainClass) m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Hello");
        Path jar = dir.resolve(jarName);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.putNextEntry(new JarEntry("Hello.class"));
            j.write(Files.readAllBytes(classes.resolve("Hello.class")));
            j.closeEntry();
        }
        return jar;
    }
}
