package zed.reconciler.stream;

import org.junit.jupiter.api.Test;
import zed.reconciler.ops.OpsRules;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zed.reconciler.stream.Streams.Nv;
import static zed.reconciler.stream.Streams.begin;
import static zed.reconciler.stream.Streams.end;
import static zed.reconciler.stream.Streams.of;

/**
 * What passes on to zfs receive, and what is refused before it could: streams laid out by hand as zfs-fuse lays them
 * out ({@code SendStreamZfsTest} reads real ones). A refusal in the header writes nothing at all.
 */
class SendStreamTest {
    static final OpsRules OPS = new OpsRules(List.of("tank/zed"), List.of(Path.of("/tank")));

    static byte[] through(byte[] stream, StreamRules rules) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SendStream.open(new ByteArrayInputStream(stream), rules).forward(out);
        return out.toByteArray();
    }

    static String refused(byte[] stream, StreamRules rules) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BadStream e = assertThrows(BadStream.class, () -> SendStream.open(new ByteArrayInputStream(stream), rules).forward(out));
        return e.getMessage() + " [" + out.size() + " bytes written]";
    }

    static String refusedInHeader(byte[] stream, StreamRules rules) {
        BadStream e = assertThrows(BadStream.class, () -> SendStream.open(new ByteArrayInputStream(stream), rules));
        return e.getMessage();
    }

    @Test
    void aPlainStreamAndAPackageWithAllowedPropertiesPassUnchanged() throws Exception {
        byte[] plain = Streams.plain("p/web@s1");
        assertArrayEquals(plain, through(plain, OPS::received));
        byte[] pkg = Streams.packageOf(new Nv().string("com.zed:level", "web").string("mountpoint", "/tank/web").u64("compression", 2)
                .u64("setuid", 0).u64("devices", 0).string("sharenfs", "off"));
        assertArrayEquals(pkg, through(pkg, OPS::received));
        assertEquals("p/web", SendStream.open(new ByteArrayInputStream(pkg), OPS::received).sentFrom());
    }

    @Test
    void whatFollowsTheEndIsNotPassedOn() throws Exception {
        byte[] plain = Streams.plain("p/web@s1");
        assertArrayEquals(plain, through(of(plain, new byte[1000]), OPS::received));
    }

    @Test
    void propertiesThatMakeADatasetAWayToRootAreRefusedBeforeAnyByteIsWritten() {
        assertTrue(refusedInHeader(Streams.packageOf(new Nv().u64("setuid", 1)), OPS::received).contains("setuid=1"));
        assertTrue(refusedInHeader(Streams.packageOf(new Nv().u64("devices", 1)), StreamRules.OF_A_ROOT_NODE).contains("devices=1"));
        assertTrue(refusedInHeader(Streams.packageOf(new Nv().string("sharenfs", "rw")), StreamRules.OF_A_ROOT_NODE).contains("sharenfs"));
        assertTrue(refusedInHeader(Streams.packageOf(new Nv().u64("zoned", 1)), OPS::received).contains("zoned"));
        assertTrue(refusedInHeader(Streams.packageOf(new Nv().u64("someday", 1)), OPS::received).contains("someday"));
        // a snapshot's properties as well
        byte[] list = new Nv().bool("not_recursive").list("fss", new Nv().list("0x1", new Nv().list("props", new Nv())
                .list("snapprops", new Nv().list("s1", new Nv().u64("setuid", 1))))).packed();
        assertTrue(refusedInHeader(Streams.packageWith(list), OPS::received).contains("setuid"));
        // however deep a list named props is
        byte[] deep = new Nv().bool("not_recursive").list("x", new Nv().list("y", new Nv().list("props", new Nv().u64("devices", 1)))).packed();
        assertTrue(refusedInHeader(Streams.packageWith(deep), OPS::received).contains("devices"));
    }

    @Test
    void aMountpointOnlyWhereOpsWouldSetOneAndAnywhereOnARootNode() throws Exception {
        byte[] etc = Streams.packageOf(new Nv().string("mountpoint", "/etc"));
        assertTrue(refusedInHeader(etc, OPS::received).contains("mountpoint=/etc"), refusedInHeader(etc, OPS::received));
        assertTrue(refusedInHeader(Streams.packageOf(new Nv().string("mountpoint", "/tank/../etc")), OPS::received).contains("mountpoint"));
        assertArrayEquals(etc, through(etc, StreamRules.OF_A_ROOT_NODE), "a root node mounts a replica where its primary did");
    }

    @Test
    void aNameThatCWouldCutAtItsNulIsRefused() {
        // "setuid\0x:y" reads as a user property to Java and as setuid to C
        byte[] name = "setuid\0x:y".getBytes(StandardCharsets.UTF_8);
        byte[] list = new Nv().bool("not_recursive").list("fss", new Nv().list("0x1", new Nv().list("props",
                new Nv().rawPair(name, PackedNvlist.STRING, 1, Streams.xdrString("on".getBytes(StandardCharsets.UTF_8)))))).packed();
        assertTrue(refusedInHeader(Streams.packageWith(list), OPS::received).contains("NUL"));
    }

    @Test
    void aRecursivePackageACloneAFeatureAnotherByteOrderAreRefused() {
        byte[] recursive = new Nv().list("fss", new Nv()).packed();
        assertTrue(refusedInHeader(Streams.packageWith(recursive), OPS::received).contains("recursive"));
        assertTrue(refusedInHeader(of(begin(1, 0, 0, SendStream.FLAG_CLONE, "p/web@s1"), end()), OPS::received).contains("clone"));
        assertTrue(refusedInHeader(of(begin(1, 1, 0, 0, "p/web@s1"), end()), OPS::received).contains("features"));
        ByteBuffer swapped = begin(1, 0, 0, 0, "p/web@s1");
        swapped.putLong(8, Long.reverseBytes(SendStream.MAGIC));
        assertTrue(refusedInHeader(of(swapped, end()), OPS::received).contains("other byte order"));
        assertTrue(refusedInHeader(of(begin(3, 0, 0, 0, "p/web@s1"), end()), OPS::received).contains("header type"));
        assertTrue(refusedInHeader(of(begin(1, 0, 8, 0, "p/web@s1"), new byte[8], end()), OPS::received).contains("header list of its own"));
        assertTrue(refusedInHeader(of(begin(1, 0, 0, 0, "p/web"), end()), OPS::received).contains("snapshot name"));
    }

    @Test
    void aListThatCouldReadTwoWaysIsRefused() {
        Nv lying = new Nv();
        lying.lie = 8;
        lying.u64("compression", 2);
        byte[] list = new Nv().bool("not_recursive").list("fss", new Nv().list("0x1", new Nv().list("props", lying))).packed();
        assertTrue(refusedInHeader(Streams.packageWith(list), OPS::received).contains("states"));
        byte[] array = new Nv().bool("not_recursive").pair("odd", 16, 1, new byte[12]).packed();
        assertTrue(refusedInHeader(Streams.packageWith(array), OPS::received).contains("type 16"));
        byte[] good = Streams.packageOf(new Nv());
        byte[] cut = Arrays.copyOf(good, good.length);
        ByteBuffer.wrap(cut).order(java.nio.ByteOrder.nativeOrder()).putInt(4, 10); // the list said to be 10 bytes
        assertThrows(RuntimeException.class, () -> SendStream.open(new ByteArrayInputStream(cut), OPS::received));
    }

    @Test
    void recordsTheKernelWouldReadOtherwiseAreRefusedWhereTheyStand() {
        String big = refused(of(begin(1, 0, 0, 0, "p/web@s1"), Streams.write(SendStream.MAX_WRITE + 8), new byte[16], end()), OPS::received);
        assertTrue(big.contains("write record") && big.contains("[312 bytes written]"), big);
        assertTrue(refused(of(begin(1, 0, 0, 0, "p/web@s1"), Streams.write(12), new byte[16], end()), OPS::received).contains("write record of 12"));
        assertTrue(refused(of(begin(1, 0, 0, 0, "p/web@s1"), Streams.object(321), new byte[328], end()), OPS::received).contains("bonus"));
        assertTrue(refused(of(begin(1, 0, 0, 0, "p/web@s1"), Streams.record(6, 0), end()), OPS::received).contains("unknown type 6"));
        assertTrue(refused(of(begin(1, 0, 0, 0, "p/web@s1"), begin(1, 0, 0, 0, "p/web@s1"), end()), OPS::received).contains("BEGIN record inside"));
    }

    @Test
    void aPackagesPartsAreOfItsOwnDatasetAndNoPackageNests() throws Exception {
        byte[] list = new Nv().bool("not_recursive").packed();
        byte[] other = of(begin(2, 0, list.length, 0, "p/web@s1"), list, end(), Streams.plain("p/webother@s1"), end());
        assertTrue(refused(other, OPS::received).contains("for p/webother"), refused(other, OPS::received));
        byte[] nested = of(begin(2, 0, list.length, 0, "p/web@s1"), list, end(), begin(2, 0, list.length, 0, "p/web@s1"), list, end(), end());
        assertTrue(refused(nested, OPS::received).contains("package inside a package"));
        byte[] two = of(begin(2, 0, list.length, 0, "p/web@s1"), list, end(), Streams.plain("p/web@s1"), Streams.plain("p/web@s2"), end());
        assertArrayEquals(two, through(two, OPS::received), "an incremental package: one part per snapshot");
    }

    @Test
    void aStreamCutShortIsABreakNotARefusal() {
        byte[] plain = Streams.plain("p/web@s1");
        assertThrows(EOFException.class, () -> through(Arrays.copyOf(plain, plain.length - 100), OPS::received));
        assertThrows(EOFException.class, () -> SendStream.open(new ByteArrayInputStream(new byte[100]), OPS::received));
    }
}
