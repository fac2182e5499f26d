package zed.chaos.fuzz;

import net.jqwik.api.Shrinkable;

import zed.config.fuzz.ZedChain;
import zed.config.fuzz.Zedfile;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Greedy shrinking for the full-count runners, with jqwik's own shrink candidates: take the first smaller input that
 * still fails, and again from there, until none does or the time is up; then, for Zedfiles, drop the lines the
 * failure does not need (a mutant of a corpus file keeps the whole file otherwise). The CI properties shrink with
 * jqwik itself.
 */
final class Shrinking {
    private Shrinking() {
    }

    static <T> T shrink(Shrinkable<T> start, Predicate<T> stillFails, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        Shrinkable<T> current = start;
        boolean smaller = true;
        while (smaller && System.nanoTime() < deadline) {
            smaller = false;
            Iterator<Shrinkable<T>> candidates = current.shrink().iterator();
            for (int tried = 0; tried < 300 && candidates.hasNext() && System.nanoTime() < deadline; tried++) {
                Shrinkable<T> c = candidates.next();
                if (stillFails.test(c.value())) {
                    current = c;
                    smaller = true;
                    break;
                }
            }
        }
        return current.value();
    }

    /** Removes runs of lines, halving the run, while the chain still fails. */
    static ZedChain lines(ZedChain chain, Predicate<ZedChain> stillFails, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        ZedChain current = chain;
        for (int f = 0; f < current.size(); f++) {
            List<byte[]> ls = split(current.file(f).bytes());
            for (int run = Math.max(1, ls.size() / 2); run >= 1 && System.nanoTime() < deadline; run /= 2) {
                for (int at = 0; at + run <= ls.size() && System.nanoTime() < deadline; ) {
                    List<byte[]> fewer = new ArrayList<>(ls.subList(0, at));
                    fewer.addAll(ls.subList(at + run, ls.size()));
                    ZedChain candidate = current.with(f, new Zedfile(join(fewer)));
                    if (stillFails.test(candidate)) {
                        current = candidate;
                        ls = fewer;
                    } else {
                        at += run;
                    }
                }
            }
        }
        return current;
    }

    private static List<byte[]> split(byte[] b) {
        List<byte[]> ls = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                ls.add(Arrays.copyOfRange(b, start, i + 1));
                start = i + 1;
            }
        }
        if (start < b.length) ls.add(Arrays.copyOfRange(b, start, b.length));
        return ls;
    }

    private static byte[] join(List<byte[]> ls) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ls.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
