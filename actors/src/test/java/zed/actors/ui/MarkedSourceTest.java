package zed.actors.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Zedfile's errors under their lines, and in the summary, each with its anchor. */
class MarkedSourceTest {
    static JsonNode errors(String s) throws Exception {
        return new ObjectMapper().readTree(s.replace('\'', '"'));
    }

    @Test
    void eachErrorUnderItsLineAndAllInTheSummary() throws Exception {
        MarkedSource m = MarkedSource.of("level \"shop\" {}\ndataset \"d\" {\n  quota = nope\n}\n", "Zedfile", errors("""
                [{'file':'Zedfile','line':3,'col':11,'message':'unknown variable nope'},
                 {'file':'Zedfile','line':3,'col':3,'message':'quota wants a size'},
                 {'file':'other.zed','line':1,'col':1,'message':'elsewhere'},
                 {'file':'Zedfile','line':9,'col':1,'message':'past the end'}]"""));
        assertEquals(4, m.lines().size(), "the final newline ends line 4, it starts no line 5");
        assertEquals("  quota = nope", m.lines().get(2).text());
        assertEquals(List.of("error-1", "error-2"), m.lines().get(2).errors().stream().map(MarkedSource.Error::id).toList());
        assertTrue(m.lines().get(0).errors().isEmpty());
        assertEquals("line 3, column 11", m.errors().get(0).where());
        assertEquals(4, m.errors().size());
        assertFalse(m.errors().get(2).placed(), "another file's error is in the summary only");
        assertEquals("other.zed line 1", m.errors().get(2).where());
        assertFalse(m.errors().get(3).placed(), "a line the file has not");
        assertTrue(m.lines().stream().allMatch(l -> l.errors().stream().allMatch(MarkedSource.Error::placed)));
    }

    @Test
    void aLineWithoutAColumnAndCrlfLines() throws Exception {
        MarkedSource m = MarkedSource.of("a\r\nb", "/srv/shop/Zedfile", errors("[{'file':'/srv/shop/Zedfile','line':2,'message':'bad'}]"));
        assertEquals(List.of("a", "b"), m.lines().stream().map(MarkedSource.Line::text).toList());
        assertEquals("line 2", m.errors().get(0).where());
        assertTrue(m.errors().get(0).placed());
    }
}
