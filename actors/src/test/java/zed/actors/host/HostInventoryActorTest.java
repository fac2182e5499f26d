package zed.actors.host;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.gpu.Gpu;
import zed.reconciler.gpu.HostFacts;
import zed.reconciler.gpu.HostInventory;
import zed.reconciler.gpu.Inventory;
import zed.reconciler.store.DirStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host inventory under the Pekko typed testkit, with a fake GPU source and the dir store. The timer is an
 * hour, so inventories are taken at start and on Refresh only; every wait is for a message, with a deadline.
 */
class HostInventoryActorTest {
    static final Duration DEADLINE = Duration.ofSeconds(10);
    static final HostInventoryActor.Settings HOURLY = new HostInventoryActor.Settings(Duration.ofHours(1), 0);

    @TempDir
    Path tmp;
    final ActorTestKit kit = ActorTestKit.create();
    final ExecutorService blocking = Executors.newFixedThreadPool(2, r -> new Thread(r, "test-blocking"));
    DirStore store;

    @BeforeEach
    void setUp() {
        store = new DirStore(tmp.resolve("store"));
        store.create("tank", Map.of());
    }

    @AfterEach
    void shutdown() {
        kit.shutdownTestKit();
        blocking.shutdownNow();
    }

    ActorRef<HostInventoryActor.Msg> start(FakeSource source, String... pools) {
        List<HostInventoryActor.Pool> ps = java.util.Arrays.stream(pools).map(p -> HostInventoryActor.Pool.of(p, () -> store)).toList();
        return kit.spawn(HostInventoryActor.create(new HostInventory("gpu1", List.of(source)), ps, blocking, HOURLY));
    }

    Inventory get(ActorRef<HostInventoryActor.Msg> actor) {
        TestProbe<Inventory> reply = kit.createTestProbe();
        actor.tell(new HostInventoryActor.Get(reply.getRef()));
        return reply.receiveMessage(DEADLINE);
    }

    TestProbe<GpuEvent> events() {
        TestProbe<GpuEvent> p = kit.createTestProbe();
        kit.system().eventStream().tell(new EventStream.Subscribe<>(GpuEvent.class, p.getRef()));
        return p;
    }

    @Test
    void theFirstInventoryIsOnEveryPoolAndIsWhatGetAnswers() {
        ActorRef<HostInventoryActor.Msg> actor = start(new FakeSource(FakeSource.H100), "", "tank");
        Inventory inv = get(actor); // asked before the first inventory is taken: answered once it is
        assertEquals(new HostFacts("gpu1", List.of(FakeSource.H100)), inv.facts());
        assertEquals(List.of(), inv.notes());
        Map<String, String> facts = new java.util.TreeMap<>(inv.facts().properties());
        assertEquals(facts, store.zedState("zed"));
        assertEquals(facts, store.zedState("tank/zed"));
    }

    @Test
    void theProbeRunsOnTheBlockingExecutorNotOnTheActorsDispatcher() {
        FakeSource source = new FakeSource(FakeSource.H100);
        get(start(source, ""));
        assertEquals(Set.of("test-blocking"), source.threads);
    }

    @Test
    void eachGpuHasANodeThatAppearsChangesAndIsGone() {
        TestProbe<GpuEvent> events = events();
        FakeSource source = new FakeSource(FakeSource.H100, FakeSource.A100);
        ActorRef<HostInventoryActor.Msg> actor = start(source, "tank");
        // two GPU nodes start side by side: their events come in either order
        Set<GpuEvent> appeared = Set.of(events.receiveMessage(DEADLINE), events.receiveMessage(DEADLINE));
        assertEquals(Set.of(new GpuEvent.Appeared("gpu1", FakeSource.H100), new GpuEvent.Appeared("gpu1", FakeSource.A100)), appeared);

        Gpu upgraded = FakeSource.withDriver(FakeSource.H100, "560.28.03");
        source.gpus = List.of(upgraded, FakeSource.withDriver(FakeSource.A100, "560.28.03"));
        actor.tell(new HostInventoryActor.Refresh());
        Set<GpuEvent> changed = Set.of(events.receiveMessage(DEADLINE), events.receiveMessage(DEADLINE));
        assertTrue(changed.contains(new GpuEvent.Changed("gpu1", FakeSource.H100, upgraded)), changed.toString());

        source.gpus = List.of(upgraded);
        actor.tell(new HostInventoryActor.Refresh());
        assertEquals(new GpuEvent.Gone("gpu1", FakeSource.withDriver(FakeSource.A100, "560.28.03")), events.receiveMessage(DEADLINE));
        Inventory inv = get(actor);
        assertEquals(List.of(upgraded), inv.facts().gpus());
        Map<String, String> onPool = store.zedState("tank/zed");
        assertEquals("1", onPool.get("com.zed:gpu.count"));
        assertEquals("560.28.03", onPool.get("com.zed:gpu.0.driver"));
        assertTrue(onPool.keySet().stream().noneMatch(k -> k.startsWith("com.zed:gpu.1.")), onPool.toString());
    }

    @Test
    void aPoolThatCannotBeWrittenIsANoteAndTheOtherPoolsAreWritten() {
        Inventory inv = get(start(new FakeSource(FakeSource.H100), "gone", ""));
        assertEquals(1, inv.notes().size(), inv.notes().toString());
        assertTrue(inv.notes().get(0).startsWith("gone/zed: facts not written: "), inv.notes().get(0));
        assertEquals("1", store.zedState("zed").get("com.zed:gpu.count"));
    }
}
