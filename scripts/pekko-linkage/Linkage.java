import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads lines "owner/Class.name:descriptor" (javap's Methodref, InterfaceMethodref and Fieldref comments) from a file
 * and prints each that the classpath lacks: no such class, or no member of that name and descriptor in the class, its
 * superclasses or its interfaces. Classes are loaded, never initialized. Run by scripts/pekko-linkage.sh.
 *   java Linkage.java REFS CLASSPATH
 */
public class Linkage {
    public static void main(String[] args) throws Exception {
        List<String> refs = Files.readAllLines(Path.of(args[0]));
        String[] cp = args[1].split(":");
        URL[] urls = new URL[cp.length];
        for (int i = 0; i < cp.length; i++) urls[i] = Path.of(cp[i]).toUri().toURL();
        int missing = 0;
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            for (String ref : refs) {
                int dot = ref.indexOf('.'), colon = ref.indexOf(':');
                String owner = ref.substring(0, dot).replace('/', '.'), name = ref.substring(dot + 1, colon).replace("\"", ""), desc = ref.substring(colon + 1);
                Class<?> c;
                try {
                    c = Class.forName(owner, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    System.out.println("no class   " + ref);
                    missing++;
                    continue;
                }
                if (!found(c, name, desc)) {
                    System.out.println("no member  " + ref);
                    missing++;
                }
            }
        }
        System.out.println(missing == 0 ? "every one of " + refs.size() + " references is there" : missing + " of " + refs.size() + " references are missing");
        System.exit(missing == 0 ? 0 : 1);
    }

    private static boolean found(Class<?> start, String name, String desc) {
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(start));
        Set<Class<?>> seen = new HashSet<>();
        todo.add(Object.class);
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (!seen.add(c)) continue;
            if (desc.startsWith("(")) {
                Executable[] all = name.equals("<init>") ? c.getDeclaredConstructors() : c.getDeclaredMethods();
                for (Executable e : all) {
                    if ((name.equals("<init>") || e.getName().equals(name)) && descriptor(e).equals(desc)) return true;
                }
            } else {
                for (Field f : c.getDeclaredFields()) if (f.getName().equals(name) && type(f.getType()).equals(desc)) return true;
            }
            if (c.getSuperclass() != null) todo.add(c.getSuperclass());
            todo.addAll(List.of(c.getInterfaces()));
        }
        return false;
    }

    private static String descriptor(Executable e) {
        StringBuilder b = new StringBuilder("(");
        for (Class<?> p : e.getParameterTypes()) b.append(type(p));
        return b.append(')').append(e instanceof Method m ? type(m.getReturnType()) : "V").toString();
    }

    private static String type(Class<?> t) {
        if (t.isArray()) return t.getName().replace('.', '/');
        if (!t.isPrimitive()) return "L" + t.getName().replace('.', '/') + ";";
        return switch (t.getName()) {
            case "int" -> "I"; case "long" -> "J"; case "boolean" -> "Z"; case "byte" -> "B"; case "char" -> "C";
            case "short" -> "S"; case "float" -> "F"; case "double" -> "D"; default -> "V";
        };
    }
}
