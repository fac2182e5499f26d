package zed.actors.cluster;

import org.apache.pekko.actor.typed.ActorSystem;

import java.util.concurrent.TimeUnit;

/** The in-JVM cluster tests' teardown: each system that was started, terminated and waited for. */
final class Systems {
    private Systems() {
    }

    static void terminate(ActorSystem<?>... systems) throws Exception {
        for (ActorSystem<?> s : systems) {
            if (s == null) continue;
            s.terminate();
            s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
