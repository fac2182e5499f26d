package zed.actors.ui;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zed.actors.ui.FleetViewTest.json;

/** The Hosts and GPUs cards as HTML: the chart's SVG as the model drew it, a lone point's dot, every value escaped. */
class HostCardsPageTest {
    @Test
    void theChartIsInlineSvgWithItsWordsAndALonePointIsADot() {
        String html = Pages.hostCards(HostsView.of(HostsViewTest.hosts(), HostsViewTest.statuses()), null);
        assertTrue(html.contains("<polyline points=\"44.0,8.0 234.0,70.0\""), html);
        assertTrue(html.contains("aria-label=\"loss over steps: 2 checkpoints, steps 10 to 20; last 0.5 at step 20; min 0.5, max 1\""), html);
        assertTrue(html.contains("<title>loss over steps: 2 checkpoints"), html);
        assertTrue(html.contains("<meter min=\"0\" max=\"25769803776\" value=\"8589934592\""), html);
        assertFalse(html.contains("<circle"), "two points: a line, no dot");

        JsonNode one = json("{'level':'lab','host':'h1','resources':[{'kind':'job','name':'t','state':'Running','gpus':[],"
                + "'history':[{'step':5,'metrics':{'loss':0.1}}]}]}");
        String dot = Pages.hostCards(HostsView.of(HostsViewTest.hosts(), List.of(one)), null);
        assertTrue(dot.contains("<circle cx=\"139.0\" cy=\"39.0\""), dot);
    }

    @Test
    void everyValueIsEscapedAndAFailedReadIsSaidInWords() {
        JsonNode evil = json("{'level':'lab','host':'h1','resources':[{'kind':'job','name':'<script>x</script>','state':'Running','gpus':[],"
                + "'history':[{'step':1,'metrics':{'\\\"><b>':1}}]}]}");
        String html = Pages.hostCards(HostsView.of(HostsViewTest.hosts(), List.of(evil)), null);
        assertFalse(html.contains("<script>"), html);
        assertFalse(html.contains("\"><b>"), html);
        String failed = Pages.hostCards(List.of(), "this session has scope read; GET /v1/hosts needs <admin>");
        assertTrue(failed.contains("The node could not list its hosts now: this session has scope read; GET /v1/hosts needs &lt;admin&gt;"), failed);
    }
}
