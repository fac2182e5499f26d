package zed.config.syntax;

import zed.config.Pos;

import java.util.List;

/** The contents of a file or of a block: attributes and nested blocks, in source order. */
public record Body(List<Attribute> attributes, List<Block> blocks, Pos pos) {
    public Body {
        attributes = List.copyOf(attributes);
        blocks = List.copyOf(blocks);
    }

    public Attribute attribute(String name) {
        for (Attribute a : attributes) if (a.name().equals(name)) return a;
        return null;
    }

    public List<Block> blocks(String type) {
        return blocks.stream().filter(b -> b.type().equals(type)).toList();
    }

    public record Attribute(String name, Expr expr, Pos pos) {
    }

    public record Label(String value, Pos pos) {
    }

    public record Block(String type, List<Label> labels, Body body, Pos pos) {
        public Block {
            labels = List.copyOf(labels);
        }

        public String label(int i) {
            return i < labels.size() ? labels.get(i).value() : null;
        }
    }
}
