package zed.actors.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import zed.actors.level.RevisionLog;

import java.util.Comparator;

/** {@code GET /v1/levels/{id}/revisions}: the revisions a level keeps, newest first, each with its Zedfile. Pure. */
final class RevisionsJson {
    private RevisionsJson() {
    }

    static ObjectNode of(RevisionLog s) {
        ObjectNode o = StatusJson.revisions(s);
        var list = o.putArray("revisions");
        s.revisions().values().stream().sorted(Comparator.comparingLong(RevisionLog.Revision::number).reversed()).forEach(r -> {
            ObjectNode n = list.addObject();
            n.put("revision", r.number());
            n.put("hash", r.hash());
            n.put("filename", r.filename());
            n.put("dir", r.dir());
            if (r.parent() != null) n.put("parent", r.parent());
            // a revision journaled before the node kept Zedfiles has none
            if (r.source() != null) n.put("source", r.source());
            else n.putNull("source");
        });
        return o;
    }
}
