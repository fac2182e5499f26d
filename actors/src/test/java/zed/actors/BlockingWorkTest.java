package zed.actors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Builds, zfs, probes and processes run on executors of their own: ten go services whose git clones hang (a server
 * that accepts and never answers) hold every thread builds have, and a level that converges beside them still gets
 * its process started and its checks probed in time, instead of failing its gate for want of a thread.
 */
class BlockingWorkTest {
    @TempDir
    Path state;
    TestNode node;
    ServerSocket silent;
    final List<Socket> held = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (silent != null) silent.close();
        for (Socket s : held) s.close(); // the hanging clones fail now, and their services stop below
        if (node != null) node.close();
    }

    @Test
    void hangingBuildsNeverStarveAnotherLevelsProbes() throws Exception {
        silent = new ServerSocket(0);
        Thread accept = new Thread(() -> {
            try {
                while (true) held.add(silent.accept());
            } catch (java.io.IOException closed) {
                // the test is over
            }
        }, "silent-git-server");
        accept.setDaemon(true);
        accept.start();
        StringBuilder builds = new StringBuilder("level \"builds\" {}\n");
        for (int i = 0; i < 10; i++) {
            builds.append("""
                    service "go" "g%d" {
                      git { url = "http://127.0.0.1:%d/g%d.git" }
                    }
                    """.formatted(i, silent.getLocalPort(), i));
        }
        assertEquals(200, node().push("builds", "builds", null, builds.toString()).status());
        node.await("builds", s -> held.size() >= 2, "the clones to hang");

        assertEquals(200, node.push("web", "web", null, """
                level "web" {}
                update {
                  min_healthy_time = "1s"
                  healthy_deadline = "20s"
                }
                service "exec" "web" {
                  runtime { cmd = ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"] }
                  health "exec" {
                    command  = ["true"]
                    interval = "500ms"
                  }
                }
                """).status());
        node.converged("web", 1);
    }

    TestNode node() {
        node = TestNode.start(state);
        return node;
    }
}
