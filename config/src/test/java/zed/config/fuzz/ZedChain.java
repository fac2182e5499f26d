package zed.config.fuzz;

import zed.config.Chain;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one fuzz run feeds the language: a chain of Zedfiles, root first; a single file is a chain of one. Level
 * {@code i} lives in {@code /zed-fuzz/l0/.../li/Zedfile}, so a level without a {@code level} block is named
 * {@code li}. Nothing is on disk: the evaluator reads the bytes from here.
 */
public record ZedChain(List<Zedfile> files) {
    public static final Path ROOT = Path.of("/zed-fuzz");

    public ZedChain {
        if (files.isEmpty()) throw new IllegalArgumentException("a chain has at least one Zedfile");
        files = List.copyOf(files);
    }

    public static ZedChain of(String... texts) {
        List<Zedfile> fs = new ArrayList<>();
        for (String t : texts) fs.add(Zedfile.of(t));
        return new ZedChain(fs);
    }

    public int size() {
        return files.size();
    }

    public Zedfile file(int i) {
        return files.get(i);
    }

    /** The same chain with level {@code i} replaced. */
    public ZedChain with(int i, Zedfile f) {
        List<Zedfile> fs = new ArrayList<>(files);
        fs.set(i, f);
        return new ZedChain(fs);
    }

    /** How errors name level {@code i}'s file: {@code l0/l1/Zedfile}. */
    public String display(int i) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j <= i; j++) sb.append('l').append(j).append('/');
        return sb.append(Chain.FILENAME).toString();
    }

    public Path path(int i) {
        return ROOT.resolve(display(i));
    }

    public List<Chain.Link> links() {
        List<Chain.Link> l = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) l.add(new Chain.Link(path(i), display(i), false));
        return l;
    }

    public int bytes() {
        return files.stream().mapToInt(Zedfile::size).sum();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < files.size(); i++) sb.append("\n=== level ").append(i).append(": ").append(display(i)).append(files.get(i));
        return sb.toString();
    }
}
