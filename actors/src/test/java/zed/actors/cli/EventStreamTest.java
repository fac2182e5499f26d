package zed.actors.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server-sent event format, as the node writes it. */
class EventStreamTest {
    static List<EventStream.Message> parse(String wire) {
        EventStream.Parser p = new EventStream.Parser();
        List<EventStream.Message> out = new ArrayList<>();
        for (String line : wire.split("\n", -1)) {
            EventStream.Message m = p.line(line);
            if (m != null) out.add(m);
        }
        return out;
    }

    @Test
    void anEventHasItsIdTypeAndData() {
        assertEquals(List.of(new EventStream.Message("7", "Converged", "{\"id\":7}")),
                parse("id: 7\nevent: Converged\ndata: {\"id\":7}\n\n"));
    }

    @Test
    void aHeartbeatIsEmptyDataAndIsTold() {
        List<EventStream.Message> ms = parse("data:\n\n");
        assertEquals(1, ms.size());
        assertTrue(ms.get(0).heartbeat());
    }

    @Test
    void commentsAndBlankLinesBetweenMessagesAreSkippedAndDataLinesJoin() {
        assertEquals(List.of(new EventStream.Message("1", null, "a\nb"), new EventStream.Message(null, "x", "")),
                parse(": a comment\n\n\nid:1\ndata: a\ndata: b\n\nevent: x\n\n"));
    }
}
