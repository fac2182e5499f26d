package zed.actors.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class FleetViewTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void levelsAreATreeEachBelowItsParent() {
        List<JsonNode> statuses = List.of(
                json("{'level':'shop/web','parent':'shop','state':'Converging','revision':3,'desiredRevision':3,'stableRevision':2,'host':'h1','resources':[]}"),
                json("{'level':'infra','state':'Converged','revision':1,'desiredRevision':1,'stableRevision':1,'host':'h1','resources':[]}"),
                json("{'level':'shop','parent':'infra','state':'Converged','revision':2,'desiredRevision':2,'stableRevision':2,'host':'h1','resources':[]}"),
                json("{'level':'alone','parent':'gone','state':'Stopped','revision':1,'desiredRevision':1,'stableRevision':null,'host':'h2','resources':[]}"));
        List<FleetView.Row> rows = FleetView.of(statuses, Map.of("shop", "Converged (revision 2)"));
        assertEquals(List.of("alone", "infra", "shop", "shop/web"), rows.stream().map(FleetView.Row::id).toList());
        assertEquals(List.of(0, 0, 1, 2), rows.stream().map(FleetView.Row::depth).toList());
        assertEquals("Converged (revision 2)", rows.get(2).lastEvent());
        assertNull(rows.get(0).lastEvent());
        FleetView.Place web = rows.get(3).places().get(0);
        assertEquals(new FleetView.Place("h1", "Converging", "3", "2", "no services", "none", null), web);
        assertEquals("-", rows.get(0).places().get(0).stable(), "no stable revision yet");
        assertEquals("@rev:2", rows.get(3).rollbackTarget());
        assertEquals("@latest", rows.get(1).rollbackTarget());
    }

    @Test
    void theRevisionShownIsTheOneItRunsAfterARollbackToo() {
        JsonNode s = json("{'level':'app','state':'Converged','revision':2,'desiredRevision':1,'stableRevision':1,'host':'h1','resources':[]}");
        assertEquals("1", FleetView.of(List.of(s), Map.of()).get(0).places().get(0).revision());
    }

    @Test
    void resourcesAreCountedByStateAndServicesByHealth() {
        JsonNode s = json("{'level':'app','state':'Converged','revision':1,'desiredRevision':1,'host':'h1','resources':["
                + "{'kind':'dataset','name':'a','state':'converged'},{'kind':'dataset','name':'b','state':'converged'},"
                + "{'kind':'service','name':'web','state':'running','health':'Healthy'},{'kind':'service','name':'db','state':'running','health':'Unhealthy'}]}");
        FleetView.Place p = FleetView.of(List.of(s), Map.of()).get(0).places().get(0);
        assertEquals("2 converged, 2 running", p.counts());
        assertEquals("1 of 2 unhealthy", p.health());
        assertEquals("ok", p.tone());
    }

    @Test
    void aLevelOnSeveralHostsHasALineForEachAndALevelThatDoesNotAnswerSaysWhy() {
        JsonNode multi = json("{'level':'web','state':'Converging','hosts':["
                + "{'level':'web','host':'h2','state':'Converging','revision':2,'resources':[{'kind':'service','name':'s','state':'starting','health':'Unhealthy'}]},"
                + "{'level':'web','host':'h1','state':'Converged','revision':2,'stableRevision':2,'resources':[{'kind':'service','name':'s','state':'running','health':'Healthy'}]}]}");
        JsonNode silent = json("{'level':'db','state':'Unknown','error':'level db does not answer'}");
        List<FleetView.Row> rows = FleetView.of(List.of(multi, silent), Map.of());
        assertEquals(List.of("h1", "h2"), rows.get(1).places().stream().map(FleetView.Place::host).toList());
        assertEquals("healthy, 1 of 1", rows.get(1).places().get(0).health());
        assertEquals("busy", rows.get(1).places().get(1).tone());
        assertEquals("level db does not answer", rows.get(0).places().get(0).problem());
        assertEquals("bad", rows.get(0).places().get(0).tone());
    }
}
