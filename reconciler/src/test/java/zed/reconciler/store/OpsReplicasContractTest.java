package zed.reconciler.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.ops.OpsReplicas;
import zed.reconciler.ops.OpsServer;
import zed.reconciler.replica.ReplicaPlan;
import zed.reconciler.replica.Replicas;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Replicas} contract through the privilege boundary: an {@link OpsReplicas} over a real Unix socket to a
 * real {@link OpsServer} (in this JVM, as root) whose managed roots are the test's datasets on the two zfs-fuse pools.
 * The streams cross the socket as chunks; the destructive steps are in the audit log, before and after.
 */
class OpsReplicasContractTest extends ReplicasContract {
    @TempDir
    Path tmp;
    OpsServer ops;

    @Override
    Replicas replicas(List<String> roots) throws Exception {
        ops = TestOps.start(tmp, roots);
        return new OpsReplicas(ops.socket());
    }

    @Override
    void close() throws Exception {
        if (ops != null) ops.close();
    }

    @Test
    void aStreamMountedOutsideTheAllowedDirectoriesIsRefusedAndAReplicaLandsOnlyWhereSetuidAndDevicesAreOff() throws Exception {
        Path outside = Files.createTempDirectory("zed-outside");
        try {
            store.set(source, Map.of("mountpoint", outside.toString()));
            Files.writeString(store.mountpoint(source).resolve("data.txt"), "one");
            StoreError e = refusedRound();
            assertTrue(e != null && e.getMessage().contains("mountpoint=" + outside), String.valueOf(e));
            assertFalse(store.exists(target), "nothing landed");
        } finally {
            store.inherit(source, "mountpoint");
            Files.deleteIfExists(outside);
        }
        // a stream with no such property lands, where ops turned setuid and devices off (its root's, audited)
        assertNull(refusedRound());
        assertEquals("one", Files.readString(store.mountpoint(target).resolve("data.txt")));
        Map<String, Observation> powers = store.observe(target, java.util.Set.of("setuid", "devices"));
        assertEquals("off", powers.get(target).properties().get("setuid").value(), powers.toString());
        assertEquals("off", powers.get(target).properties().get("devices").value(), powers.toString());
        String root = target.substring(0, target.lastIndexOf('/'));
        assertTrue(Files.readString(tmp.resolve("audit.log")).contains("setuid=off devices=off") , Files.readString(tmp.resolve("audit.log")));
        // an operator who turns setuid on below the root: the next round is refused there, before a byte
        store.set(target, Map.of("setuid", "on"));
        Files.writeString(store.mountpoint(source).resolve("data.txt"), "two");
        StoreError below = refusedRound();
        assertTrue(below != null && below.getMessage().contains("setuid=on") && below.getMessage().contains(target), String.valueOf(below));
        assertEquals("one", Files.readString(store.mountpoint(target).resolve("data.txt")), "nothing landed");
        assertTrue(store.observe(root, java.util.Set.of()).containsKey(target));
    }

    @Test
    void destructiveStepsAreAuditedBeforeAndAfterAndAReceiveOutsideTheRootsIsRefusedBeforeAnyByte() throws Exception {
        Files.writeString(store.mountpoint(source).resolve("data.txt"), "one");
        clock = clock.plusSeconds(1);
        String first = replicas.snapshot(List.of(source), clock);
        ReplicaPlan.Step step = ReplicaPlan.decide("h1", target, replicas.snapshots(source), replicas.target(target));
        try (Replicas.Sending s = replicas.send(source, step)) {
            replicas.receive(target, step, s.stream(), "h1");
            s.finish();
        }
        replicas.takeOver(target, first);
        String outside = target.substring(0, target.indexOf('/')) + "/elsewhere";
        java.io.ByteArrayInputStream stream = new java.io.ByteArrayInputStream(new byte[1 << 20]);
        StoreError e = assertThrows(StoreError.class, () -> replicas.receive(outside, step, stream, "h1"));
        assertTrue(e.getMessage().contains("refused by zed ops") && e.getMessage().contains("outside the managed roots"), e.getMessage());
        assertEquals(1 << 20, stream.available(), "refused before a byte of the stream was read");
        assertTrue(!store.exists(outside), "nothing was received outside the roots");
        List<String> audit = Files.readAllLines(tmp.resolve("audit.log"));
        for (String op : List.of("receive", "takeOver")) {
            List<String> lines = audit.stream().filter(l -> l.contains("\"op\":\"" + op + "\"") && l.contains("\"dataset\":\"" + target + "\"")).toList();
            // between the two, a first receive's line for the root it made (setuid and devices off)
            assertEquals(op.equals("receive") ? 3 : 2, lines.size(), op + ": " + audit);
            assertTrue(lines.get(0).contains("\"result\":\"started\"") && lines.get(lines.size() - 1).contains("\"result\":\"ok\""), lines.toString());
        }
        assertTrue(audit.stream().anyMatch(l -> l.contains(outside) && l.contains("refused")), audit.toString());
    }
}
