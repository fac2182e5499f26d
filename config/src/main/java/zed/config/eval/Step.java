package zed.config.eval;

import zed.config.Pos;

/** One step of a reference after its root: {@code .name} or {@code [key]} (key already evaluated). */
public record Step(String name, Integer index, Pos pos) {
    public static Step attr(String name, Pos pos) {
        return new Step(name, null, pos);
    }

    public static Step index(int index, Pos pos) {
        return new Step(null, index, pos);
    }

    public boolean isIndex() {
        return index != null;
    }

    @Override
    public String toString() {
        return isIndex() ? "[" + index + "]" : "." + name;
    }
}
