package zed.actors.ui;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static zed.actors.ui.FleetViewTest.json;

class LevelViewTest {
    static final String STATUS = "{'level':'shop','state':'Converged','revision':3,'desiredRevision':2,'stableRevision':2,'resources':["
            + "{'kind':'dataset','name':'d','revision':2,'state':'converged'},"
            + "{'kind':'service','name':'service.exec.web','revision':2,'state':'RUNNING','gate':'passed','health':'Healthy','pid':4242,"
            + "'ports':{'port':8080,'admin':8081},'print':'shop at http://127.0.0.1:8080/'},"
            + "{'kind':'service','name':'service.exec.db','revision':2,'state':'STARTING','gate':'pending','health':'Unhealthy','why':'exit 1','pid':0,'ports':{}}]}";

    @Test
    void eachResourceIsARowInWords() {
        LevelView v = LevelView.of("shop", json(STATUS), null, null);
        assertEquals(List.of("dataset.d", "service.exec.web", "service.exec.db"), v.resources().stream().map(LevelView.Resource::name).toList());
        LevelView.Resource d = v.resources().get(0);
        assertEquals(new LevelView.Resource("-", "dataset.d", "converged", "-", "-", "-", List.of(), null), d);
        LevelView.Resource web = v.resources().get(1);
        assertEquals("Healthy, gate passed", web.health());
        assertEquals("4242", web.pid());
        assertEquals("admin 8081, port 8080", web.ports());
        assertEquals(List.of(new PrintLine.Text("shop at "), new PrintLine.Link("http://127.0.0.1:8080/")), web.print());
        LevelView.Resource db = v.resources().get(2);
        assertEquals("-", db.pid(), "no process");
        assertEquals("-", db.ports());
        assertEquals("exit 1", db.why());
        assertEquals("busy", db.tone());
        assertEquals("ok", d.tone());
    }

    @Test
    void theHeaderSaysTheRunningNewestAndStableRevisions() {
        LevelView v = LevelView.of("shop", json(STATUS), null, null);
        FleetView.Place p = v.places().get(0);
        assertEquals("2", p.revision(), "the desired revision runs");
        assertEquals("3", v.newest(), "the newest given, above it after a rollback");
        assertEquals("2", p.stable());
        assertEquals("1 of 2 unhealthy", p.health());
        assertEquals("Converged", p.state());
    }

    @Test
    void snapshotsWithTheirRevisionAndTime() {
        LevelView v = LevelView.of("shop", json(STATUS), json("{'snapshots':["
                + "{'dataset':'d','snapshot':'zed-deploy-3-20261205T221500Z','revision':2,'taken':'2026-12-05T22:15:00Z'},"
                + "{'dataset':'d','snapshot':'by-hand','revision':null,'taken':null}]}"), null);
        assertEquals(List.of(new LevelView.Snap("d", "zed-deploy-3-20261205T221500Z", "2", "2026-12-05 22:15:00Z"), new LevelView.Snap("d", "by-hand", "-", "-")),
                v.snapshots());
        assertNull(v.snapshotsWhy());
        LevelView unread = LevelView.of("shop", json(STATUS), null, "pool zedtest is unavailable");
        assertEquals(List.of(), unread.snapshots());
        assertEquals("pool zedtest is unavailable", unread.snapshotsWhy());
    }

    @Test
    void aLevelOnSeveralHostsHasEachHostsResources() {
        LevelView v = LevelView.of("shop", json("{'level':'shop','hosts':[{'host':'h2','state':'Converged','resources':[{'kind':'dataset','name':'d','state':'converged'}]},"
                + "{'host':'h1','state':'Converging','resources':[{'kind':'dataset','name':'d','state':'converging'}]}]}"), null, null);
        assertEquals(List.of("h1", "h2"), v.places().stream().map(FleetView.Place::host).toList());
        assertEquals(List.of("h2", "h1"), v.resources().stream().map(LevelView.Resource::host).toList());
        assertEquals("-", v.newest());
    }
}
