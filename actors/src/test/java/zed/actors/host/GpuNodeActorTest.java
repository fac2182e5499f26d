package zed.actors.host;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import zed.reconciler.gpu.Gpu;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One GPU's actor alone: it holds the GPU's facts and tells the EventStream when they change. */
class GpuNodeActorTest {
    static final Duration DEADLINE = Duration.ofSeconds(10);
    final ActorTestKit kit = ActorTestKit.create();

    @AfterEach
    void shutdown() {
        kit.shutdownTestKit();
    }

    TestProbe<GpuEvent> events() {
        TestProbe<GpuEvent> p = kit.createTestProbe();
        kit.system().eventStream().tell(new EventStream.Subscribe<>(GpuEvent.class, p.getRef()));
        return p;
    }

    @Test
    void itAnswersWithItsFactsAndPublishesOnlyWhatChanged() {
        TestProbe<GpuEvent> events = events();
        ActorRef<GpuNodeActor.Msg> gpu = kit.spawn(GpuNodeActor.create("gpu1", FakeSource.H100));
        assertEquals(new GpuEvent.Appeared("gpu1", FakeSource.H100), events.receiveMessage(DEADLINE));

        TestProbe<Gpu> reply = kit.createTestProbe();
        gpu.tell(new GpuNodeActor.Get(reply.getRef()));
        assertEquals(FakeSource.H100, reply.receiveMessage(DEADLINE));

        Gpu upgraded = FakeSource.withDriver(FakeSource.H100, "560.28.03");
        gpu.tell(new GpuNodeActor.Update(FakeSource.H100)); // the same facts: nothing to publish
        gpu.tell(new GpuNodeActor.Update(upgraded));
        // the next event is the driver change: the identical update before it published nothing
        assertEquals(new GpuEvent.Changed("gpu1", FakeSource.H100, upgraded), events.receiveMessage(DEADLINE));
        gpu.tell(new GpuNodeActor.Get(reply.getRef()));
        assertEquals(upgraded, reply.receiveMessage(DEADLINE));
    }

    @Test
    void aVanishedGpuIsPublishedAsGoneAndItsActorStops() {
        TestProbe<GpuEvent> events = events();
        ActorRef<GpuNodeActor.Msg> gpu = kit.spawn(GpuNodeActor.create("gpu1", FakeSource.A100));
        events.receiveMessage(DEADLINE);
        gpu.tell(new GpuNodeActor.Vanished());
        assertEquals(new GpuEvent.Gone("gpu1", FakeSource.A100), events.receiveMessage(DEADLINE));
        events.expectTerminated(gpu, DEADLINE);
    }

    @Test
    void aGpuIsKnownByItsUuidWhateverTheSourceWritesAndWithoutOneByNameAndPlace() {
        Gpu fromVulkan = new Gpu(3, "nvidia", "NVIDIA H100 80GB HBM3", 81559, "550.54.15", "6E3FA3B4-7A1F-2C4B-9D0E-1F2A3B4C5D6E", Gpu.Source.VULKAN);
        assertEquals(GpuNodeActor.key(FakeSource.H100), GpuNodeActor.key(fromVulkan));
        Gpu noUuid = new Gpu(2, "amd", "AMD Radeon Pro W7900", 49136, "24.1.0", "", Gpu.Source.VULKAN);
        assertEquals("amd/AMD Radeon Pro W7900/2", GpuNodeActor.key(noUuid));
    }
}
