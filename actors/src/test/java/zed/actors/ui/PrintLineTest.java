package zed.actors.ui;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrintLineTest {
    @Test
    void httpAndHttpsUrlsAreLinksAndTheRestIsText() {
        assertEquals(List.of(new PrintLine.Text("shop at "), new PrintLine.Link("http://127.0.0.1:8080/"), new PrintLine.Text(" and "),
                new PrintLine.Link("https://h1.example/admin?x=1&y=2")), PrintLine.of("shop at http://127.0.0.1:8080/ and https://h1.example/admin?x=1&y=2"));
        assertTrue(PrintLine.of("http://a/").get(0).link());
        assertEquals(List.of(new PrintLine.Text("web says v1")), PrintLine.of("web says v1"));
        assertEquals(List.of(), PrintLine.of(null));
        assertEquals(List.of(), PrintLine.of(""));
    }

    @Test
    void aSentencesPunctuationIsNotPartOfTheUrl() {
        assertEquals(List.of(new PrintLine.Text("see "), new PrintLine.Link("http://h/x"), new PrintLine.Text(").")), PrintLine.of("see http://h/x)."));
        assertEquals(List.of(new PrintLine.Text("nothing after http:// is text")), PrintLine.of("nothing after http:// is text"));
    }

    @Test
    void onlyHttpSchemesAndNeverMarkupBecomeLinks() {
        // a URL stops at a quote or an angle bracket: the rest is text, which the template escapes
        assertEquals(List.of(new PrintLine.Link("http://h/"), new PrintLine.Text("\"><script>alert(1)</script>")),
                PrintLine.of("http://h/\"><script>alert(1)</script>"));
        assertEquals(List.of(new PrintLine.Text("javascript:alert(1) ftp://h/ data:text/html,x")), PrintLine.of("javascript:alert(1) ftp://h/ data:text/html,x"));
    }
}
