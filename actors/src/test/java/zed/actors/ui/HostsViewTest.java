package zed.actors.ui;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zed.actors.ui.FleetViewTest.json;

/** The Hosts and GPUs page's cards from GET /v1/hosts and the levels' statuses. */
class HostsViewTest {
    static final String A = "GPU-aaaaaaaa-1111-2222-3333-444444444444";
    static final String B = "GPU-bbbbbbbb-1111-2222-3333-444444444444";
    static final long GIB = 1L << 30;

    static JsonNode hosts() {
        return json("{'hosts':[{'name':'h1','address':'127.0.0.2:25520','status':'up','self':true,"
                + "'pool':{'name':'zedtest','free':1040187392,'available':true},"
                + "'gpus':[{'uuid':'" + A + "','name':'NVIDIA A10','vramTotal':" + 24 * GIB + ",'vramFree':" + 16 * GIB + "},"
                + "{'uuid':'" + B + "','name':'NVIDIA L40','vramTotal':" + 48 * GIB + ",'vramFree':" + 48 * GIB + "}],'note':null,'levels':['lab','web']},"
                + "{'name':'h2','address':'127.0.0.3:25520','status':'unreachable','self':false,'pool':null,'gpus':[],"
                + "'note':'no answer from the host in 3 s','levels':[]},"
                + "{'name':'h3','address':'127.0.0.4:25520','status':'up','self':false,'pool':null,'gpus':[],'note':null,'levels':[]}]}");
    }

    static List<JsonNode> statuses() {
        return List.of(
                json("{'level':'lab','state':'Converged','host':'h1','resources':[{'kind':'dataset','name':'run'},"
                        + "{'kind':'job','name':'train','state':'Running','host':'h1','gpus':['" + A + "'],'step':20,'metrics':{'loss':0.5},"
                        + "'checkpoints':2,'history':[{'step':10,'metrics':{'loss':1.0}},{'step':20,'metrics':{'loss':0.5}}]},"
                        + "{'kind':'job','name':'eval','state':'Pending','why':'waiting for a GPU','host':'h1','gpus':[],'step':null,'metrics':{},"
                        + "'checkpoints':0,'history':[]}]}"),
                json("{'level':'web','state':'Converged','host':'h1','resources':[{'kind':'service','name':'api'}]}"),
                json("{'level':'gone','state':'Unknown','error':'no answer'}"));
    }

    @Test
    void oneCardPerHostWithItsPoolLevelsAndStatusInWords() {
        List<HostsView.Host> cards = HostsView.of(hosts(), statuses());
        assertEquals(List.of("h1", "h2", "h3"), cards.stream().map(HostsView.Host::name).toList());
        HostsView.Host h1 = cards.get(0);
        assertEquals("127.0.0.2:25520", h1.address());
        assertEquals("up", h1.status());
        assertEquals("ok", h1.tone());
        assertTrue(h1.self());
        assertEquals("zedtest", h1.pool());
        assertEquals("992M", h1.free());
        assertEquals(List.of("lab", "web"), h1.levels());
        assertNull(h1.note());
        HostsView.Host h2 = cards.get(1);
        assertEquals("unreachable", h2.status());
        assertEquals("bad", h2.tone());
        assertEquals("?", h2.pool(), "missing, not absent: the note says why");
        assertEquals("?", h2.free());
        assertEquals("no answer from the host in 3 s", h2.note());
        assertEquals("-", cards.get(2).pool(), "the dir store: no pool");
    }

    @Test
    void gpusAreIndexedInTheCardsOrderWithTheirVramInWords() {
        List<HostsView.Gpu> gpus = HostsView.of(hosts(), statuses()).get(0).gpus();
        assertEquals(new HostsView.Gpu(0, A, "NVIDIA A10", 24 * GIB, 16 * GIB), gpus.get(0));
        assertEquals(8 * GIB, gpus.get(0).usedBytes());
        assertEquals("16G free of 24G, 8G used", gpus.get(0).words());
        assertEquals("GPU 1 (NVIDIA L40)", gpus.get(1).label());
        assertEquals("48G free of 48G, none used", gpus.get(1).words());
        assertEquals("VRAM unknown", new HostsView.Gpu(0, A, "x", 0, 0).words());
    }

    @Test
    void jobsArePlacedOnTheirHostWithTheirGpuLastStepAndOneChartPerMetric() {
        HostsView.Host h1 = HostsView.of(hosts(), statuses()).get(0);
        assertEquals(List.of("eval", "train"), h1.jobs().stream().map(HostsView.Job::name).toList());
        HostsView.Job train = h1.jobs().get(1);
        assertEquals("lab", train.level());
        assertEquals("Running", train.state());
        assertEquals("GPU 0 (NVIDIA A10)", train.gpus());
        assertEquals("20", train.lastStep());
        assertEquals(1, train.charts().size());
        assertEquals("loss over steps: 2 checkpoints, steps 10 to 20; last 0.5 at step 20; min 0.5, max 1", train.charts().get(0).words());
        HostsView.Job eval = h1.jobs().get(0);
        assertEquals("-", eval.gpus());
        assertEquals("-", eval.lastStep());
        assertEquals("waiting for a GPU", eval.why());
        assertEquals(List.of(), eval.charts());
        assertEquals(List.of(), HostsView.of(hosts(), statuses()).get(1).jobs());
    }

    @Test
    void aGpuTheCardDoesNotListIsShownByItsUuid() {
        JsonNode s = json("{'level':'lab','host':'h1','resources':[{'kind':'job','name':'t','state':'Running','gpus':['GPU-gone']}]}");
        assertEquals("GPU-gone", HostsView.of(hosts(), List.of(s)).get(0).jobs().get(0).gpus());
    }

    @Test
    void noHostsNoCards() {
        assertEquals(List.of(), HostsView.of(json("{'hosts':[]}"), List.of()));
    }
}
