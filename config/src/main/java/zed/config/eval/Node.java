package zed.config.eval;

import zed.config.Pos;
import zed.config.Value;
import zed.config.syntax.Expr;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One place in a level's reference graph. A leaf is one attribute (or one key of an object attribute) and is
 * evaluated at most once; a branch is a block, a service, or an object attribute split per key.
 */
final class Node {
    final String id;
    final Pos pos;
    final Expr expr;
    final Supplier<Value> computed;
    final Map<String, Node> children;
    /** The service this node belongs to, which {@code self} names; null outside services. */
    Node service;
    /** Where net::pickport() keys its allocation: the node's path inside its service (or level). */
    final String portPath;
    final LevelEvaluation owner;

    Value value;
    boolean failed;
    boolean busy;

    private Node(String id, Pos pos, Expr expr, Supplier<Value> computed, Map<String, Node> children, Node service, String portPath, LevelEvaluation owner) {
        this.id = id;
        this.pos = pos;
        this.expr = expr;
        this.computed = computed;
        this.children = children;
        this.service = service;
        this.portPath = portPath;
        this.owner = owner;
    }

    static Node leaf(LevelEvaluation owner, String id, Pos pos, Expr expr, Node service, String portPath) {
        return new Node(id, pos, expr, null, null, service, portPath, owner);
    }

    static Node computed(LevelEvaluation owner, String id, Pos pos, Supplier<Value> value, Node service) {
        return new Node(id, pos, null, value, null, service, id, owner);
    }

    static Node constant(LevelEvaluation owner, String id, Pos pos, Value v, Node service) {
        Node n = new Node(id, pos, null, () -> v, null, service, id, owner);
        n.value = v;
        return n;
    }

    static Node branch(LevelEvaluation owner, String id, Pos pos, Node service) {
        return new Node(id, pos, null, null, new LinkedHashMap<>(), service, id, owner);
    }

    boolean isBranch() {
        return children != null;
    }

    Node child(String name) {
        return children == null ? null : children.get(name);
    }
}
