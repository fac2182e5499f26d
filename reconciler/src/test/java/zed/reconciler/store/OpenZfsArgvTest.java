package zed.reconciler.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ARGV-LEVEL TESTS ONLY: nothing here runs OpenZFS (or any zfs). CI has only zfs-fuse 0.7, so the OpenZFS 2.x paths
 * of {@link ZfsStore} and {@link Replicator} (several {@code prop=value} in one {@code zfs set}, several datasets in
 * one {@code zfs snapshot}, {@code receive -s} / {@code send -t}) are checked by recording the argv they would run
 * against a scripted fake {@link Command} and {@link Replicator.Pipeline}. The fake's answers are written from
 * OpenZFS 2.2's and zfs-fuse 0.7's texts; a pass says the argv is what we meant, not that OpenZFS accepts it.
 */
class OpenZfsArgvTest {
    /** zfs-fuse 0.7 as probed: nothing but holds. */
    static final Capabilities FUSE = new Capabilities(false, false, false, false, false, true);

    // ---------------------------------------------------------------------------------------------------------------
    // The fakes

    /** A {@code zfs} that never runs: it records every argv and answers from a script keyed by the whole argv. */
    static final class ScriptedZfs implements Command {
        static final Result OK = new Result(0, "", "");
        final List<List<String>> calls = new ArrayList<>();
        private final Map<String, Deque<Result>> answers = new HashMap<>();

        /** Answers {@code argv} (its words joined by single spaces) with these results in turn, the last one for good. */
        ScriptedZfs on(String argv, Result... results) {
            answers.computeIfAbsent(argv, k -> new ArrayDeque<>()).addAll(List.of(results));
            return this;
        }

        @Override
        public Result run(List<String> argv, Duration timeout, String subject) {
            calls.add(List.copyOf(argv));
            Deque<Result> q = answers.get(String.join(" ", argv));
            if (q == null || q.isEmpty()) return OK; // anything unscripted succeeds silently
            return q.size() > 1 ? q.poll() : q.peek();
        }
    }

    /** Runs no {@code send | receive}: records both argvs as one line and answers from a queue (then success). */
    static final class ScriptedPipeline implements Replicator.Pipeline {
        final List<String> runs = new ArrayList<>();
        final Deque<Pipe.Result> answers = new ArrayDeque<>();

        @Override
        public Pipe.Result run(List<String> send, List<String> receive, Duration timeout, long cutAfterBytes) {
            runs.add(String.join(" ", send) + " | " + String.join(" ", receive));
            return answers.isEmpty() ? new Pipe.Result(0, 0, "", "", 4096, false) : answers.poll();
        }
    }

    static Command.Result ok(String stdout) {
        return new Command.Result(0, stdout, "");
    }

    static Command.Result fail(String stderr) {
        return new Command.Result(1, "", stderr);
    }

    /** The argvs the fake saw must be exactly these lines (words split on single spaces), in this order. */
    static void assertCalls(ScriptedZfs zfs, String... lines) {
        List<List<String>> want = Stream.of(lines).map(l -> List.of(l.split(" "))).toList();
        assertEquals(want, zfs.calls);
    }

    static ZfsStore store(ScriptedZfs zfs, Capabilities caps) {
        return new ZfsStore(zfs, caps, Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Usage texts ("zfs" with no arguments: on stderr, exit 2)

    /** OpenZFS 2.2's usage, written from its zfs_main.c. */
    static final String OPENZFS_USAGE = """
            missing command
            usage: zfs command args ...
            where 'command' is one of the following:

            \tversion

            \tcreate [-Pnpuv] [-o property=value] ... <filesystem>
            \tcreate [-Pnpsv] [-b blocksize] [-o property=value] ... -V <size> <volume>
            \tdestroy [-fnpRrv] <filesystem|volume>
            \tdestroy [-dnpRrv] <filesystem|volume>@<snap>[%<snap>][,...]
            \tdestroy <filesystem|volume>#<bookmark>

            \tsnapshot [-r] [-o property=value] ... <filesystem|volume>@<snap> ...
            \trollback [-rRf] <snapshot>
            \tclone [-p] [-o property=value] ... <snapshot> <filesystem|volume>
            \tpromote <clone-filesystem>
            \trename [-f] <filesystem|volume|snapshot> <filesystem|volume|snapshot>
            \trename -p [-f] <filesystem|volume> <filesystem|volume>
            \trename -u [-f] <filesystem> <filesystem>
            \trename -r <snapshot> <snapshot>
            \tbookmark <snapshot|bookmark> <newbookmark>
            \tprogram [-jn] [-t <instruction limit>] [-m <memory limit (b)>]
            \t    <pool> <program file> [lua args...]

            \tlist [-Hp] [-r|-d max] [-o property[,...]] [-s property]...
            \t    [-S property]... [-t type[,...]] [filesystem|volume|snapshot] ...

            \tset <property=value> ... <filesystem|volume|snapshot> ...
            \tget [-rHp] [-d max] [-o "all" | field[,...]]
            \t    [-t type[,...]] [-s source[,...]]
            \t    <"all" | property[,...]> [filesystem|volume|snapshot|bookmark] ...
            \tinherit [-rS] <property> <filesystem|volume|snapshot> ...
            \tupgrade [-v]
            \tupgrade [-r] [-V version] <-a | filesystem ...>

            \tuserspace [-Hinp] [-o field[,...]] [-s field] ...
            \t    [-S field] ... [-t type[,...]] <filesystem|snapshot|path>
            \tgroupspace [-Hinp] [-o field[,...]] [-s field] ...
            \t    [-S field] ... [-t type[,...]] <filesystem|snapshot|path>
            \tprojectspace [-Hp] [-o field[,...]] [-s field] ...
            \t    [-S field] ... <filesystem|snapshot|path>

            \tproject [-d|-r] <directory|file ...>
            \tproject -c [-0] [-d|-r] [-p id] <directory|file ...>
            \tproject -C [-k] [-r] <directory ...>
            \tproject [-p id] [-r] [-s] <directory ...>

            \tmount
            \tmount [-flvO] [-o opts] <-a | filesystem>
            \tunmount [-fu] <-a | filesystem|mountpoint>
            \tshare [-l] <-a [nfs|smb] | filesystem>
            \tunshare <-a [nfs|smb] | filesystem|mountpoint>

            \tsend [-DLPbcehnpsVvw] [-i|-I snapshot]
            \t     [-R [-X dataset[,dataset]...]]     <snapshot>
            \tsend [-DnVvPLecw] [-i snapshot|bookmark] <filesystem|volume|snapshot>
            \tsend [-DnPpVvLec] [-i bookmark|snapshot] --redact <bookmark> <snapshot>
            \tsend [-DnVvPe] -t <receive_resume_token>
            \tsend [-PnVv] --saved filesystem
            \treceive [-vMnsFhu] [-o <property>=<value>] ... [-x <property>] ...
            \t    <filesystem|volume|snapshot>
            \treceive [-vMnsFhu] [-o <property>=<value>] ... [-x <property>] ...
            \t    [-d | -e] <filesystem>
            \treceive -A <filesystem|volume>

            \tallow <filesystem|volume>
            \tallow [-dglu] <"everyone"|user|group>[,...] <perm|@setname>[,...]
            \t    <filesystem|volume>
            \tallow [-dl] -e <perm|@setname>[,...] <filesystem|volume>
            \tallow -c <perm|@setname>[,...] <filesystem|volume>
            \tallow -s @setname <perm|@setname>[,...] <filesystem|volume>

            \tunallow [-rldug] <"everyone"|user|group>[,...]
            \t    [<perm|@setname>[,...]] <filesystem|volume>
            \tunallow [-rld] -e [<perm|@setname>[,...]] <filesystem|volume>
            \tunallow [-r] -c [<perm|@setname>[,...]] <filesystem|volume>
            \tunallow [-r] -s @setname [<perm|@setname>[,...]] <filesystem|volume>

            \thold [-r] <tag> <snapshot> ...
            \tholds [-rHp] <snapshot> ...
            \trelease [-r] <tag> <snapshot> ...
            \tdiff [-FHth] <snapshot> [snapshot|filesystem]
            \tload-key [-rn] [-L <keylocation>] <-a | filesystem|volume>
            \tunload-key [-r] <-a | filesystem|volume>
            \tchange-key [-l] [-o keyformat=<value>]
            \t    [-o keylocation=<value>] [-o pbkdf2iters=<value>]
            \t    <filesystem|volume>
            \tchange-key -i [-l] <filesystem|volume>
            \tredact <snapshot> <bookmark> <redaction_snapshot> ...
            \twait [-t <activity>] <filesystem>
            \tzone <nsfile> <filesystem>
            \tunzone <nsfile> <filesystem>

            Each dataset is of the form: pool/[dataset/]*dataset[@name]

            For the property list, run: zfs set|get

            For the delegated permission list, run: zfs allow|unallow

            For further help on a command or topic, run: zfs help [<topic>]
            """;

    /** zfs-fuse 0.7's usage, as `zfs 2>&1` printed it on this machine (Debian 12). */
    static final String ZFS_FUSE_USAGE = """
            missing command
            usage: zfs command args ...
            where 'command' is one of the following:

            \tcreate [-p] [-o property=value] ... <filesystem>
            \tcreate [-ps] [-b blocksize] [-o property=value] ... -V <size> <volume>
            \tdestroy [-rRf] <filesystem|volume>
            \tdestroy [-rRd] <snapshot>

            \tsnapshot [-r] [-o property=value] ... <filesystem@snapname|volume@snapname>
            \trollback [-rRf] <snapshot>
            \tclone [-p] [-o property=value] ... <snapshot> <filesystem|volume>
            \tpromote <clone-filesystem>
            \trename <filesystem|volume|snapshot> <filesystem|volume|snapshot>
            \trename -p <filesystem|volume> <filesystem|volume>
            \trename -r <snapshot> <snapshot>
            \tlist [-rH][-d max] [-o property[,...]] [-t type[,...]] [-s property] ...
            \t    [-S property] ... [filesystem|volume|snapshot] ...

            \tset <property=value> <filesystem|volume|snapshot> ...
            \tget [-rHp] [-d max] [-o "all" | field[,...]] [-s source[,...]]
            \t    <"all" | property[,...]> [filesystem|volume|snapshot] ...
            \tinherit [-rS] <property> <filesystem|volume|snapshot> ...
            \tupgrade [-v]
            \tupgrade [-r] [-V version] <-a | filesystem ...>
            \tuserspace [-hniHp] [-o field[,...]] [-sS field] ... [-t type[,...]]
            \t    <filesystem|snapshot>
            \tgroupspace [-hniHpU] [-o field[,...]] [-sS field] ... [-t type[,...]]
            \t    <filesystem|snapshot>

            \tmount
            \tmount [-vO] [-o opts] <-a | filesystem>
            \tunmount [-f] <-a | filesystem|mountpoint>
            \tshare <-a | filesystem>
            \tunshare <-a | filesystem|mountpoint>

            \tsend [-RDp] [-[iI] snapshot] <snapshot>
            \treceive [-vnF] <filesystem|volume|snapshot>
            \treceive [-vnF] -d <filesystem>

            \tallow <filesystem|volume>
            \tallow [-ldug] <"everyone"|user|group>[,...] <perm|@setname>[,...]
            \t    <filesystem|volume>
            \tallow [-ld] -e <perm|@setname>[,...] <filesystem|volume>
            \tallow -c <perm|@setname>[,...] <filesystem|volume>
            \tallow -s @setname <perm|@setname>[,...] <filesystem|volume>

            \tunallow [-rldug] <"everyone"|user|group>[,...]
            \t    [<perm|@setname>[,...]] <filesystem|volume>
            \tunallow [-rld] -e [<perm|@setname>[,...]] <filesystem|volume>
            \tunallow [-r] -c [<perm|@setname>[,...]] <filesystem|volume>
            \tunallow [-r] -s @setname [<perm|@setname>[,...]] <filesystem|volume>

            \thold [-r] <tag> <snapshot> ...
            \tholds [-r] <snapshot> ...
            \trelease [-r] <tag> <snapshot> ...

            Each dataset is of the form: pool/[dataset/]*dataset[@name]

            For the property list, run: zfs set|get

            For the delegated permission list, run: zfs allow|unallow
            """;

    static final String LZ4_PROBE = "zpool get -H -o value feature@lz4_compress tank";

    // ---------------------------------------------------------------------------------------------------------------
    // 1. The probe

    @Test
    void existsIsFalseOnlyWhenZfsSaysTheDatasetDoesNotExist() {
        ScriptedZfs zfs = new ScriptedZfs()
                .on("zfs list -H -o name tank/gone", fail("cannot open 'tank/gone': dataset does not exist"))
                .on("zfs list -H -o name tank/here", ok("tank/here\n"))
                .on("zfs list -H -o name tank/wedged", fail("internal error: Input/output error"));
        ZfsStore s = store(zfs, FUSE);
        assertFalse(s.exists("tank/gone"));
        assertTrue(s.exists("tank/here"));
        StoreError e = assertThrows(StoreError.class, () -> s.exists("tank/wedged"),
                "a daemon error is no answer about the dataset: taking it for absent would make Zed create it again");
        assertEquals("tank/wedged", e.dataset());
        assertTrue(e.getMessage().contains("Input/output error"), e.getMessage());
    }

    @Test
    void openZfsArgv_probeOfOpenZfs22UsageFindsEveryCapability() {
        ScriptedZfs zfs = new ScriptedZfs()
                .on("zfs", new Command.Result(2, "", OPENZFS_USAGE))
                .on(LZ4_PROBE, ok("active\n"));
        assertEquals(Capabilities.OPENZFS, ZfsStore.capabilities(zfs, "tank/shop"));
        assertCalls(zfs, "zfs", LZ4_PROBE); // the pool of "tank/shop" is "tank"
    }

    @Test
    void openZfsArgv_probeOfZfsFuseUsageFindsOnlyHolds() {
        ScriptedZfs zfs = new ScriptedZfs()
                .on("zfs", new Command.Result(2, "", ZFS_FUSE_USAGE))
                // zfs-fuse's zpool get knows neither -H nor feature@ properties
                .on(LZ4_PROBE, new Command.Result(2, "", "bad property list: invalid property '-H'\nusage:\n\tget <\"all\" | property[,...]> <pool> ...\n"));
        Capabilities c = ZfsStore.capabilities(zfs, "tank");
        assertFalse(c.listParsable(), "list -p");
        assertFalse(c.multiSet(), "several prop=value in one set");
        assertFalse(c.multiSnapshot(), "several datasets in one snapshot");
        assertFalse(c.resumableReceive(), "receive -s / send -t");
        assertTrue(c.holds(), "hold/holds/release");
        assertFalse(c.lz4(), "lz4_compress");
        assertEquals(FUSE, c);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 2. set

    static Map<String, String> threeProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("com.zed:rev", "7");
        p.put("com.zed:spec-hash", "9f2c41");
        p.put("com.zed:deployed_by", "ops@host1");
        return p;
    }

    @Test
    void openZfsArgv_setOfThreePropertiesIsOneCallInTheGivenOrder() {
        ScriptedZfs zfs = new ScriptedZfs();
        store(zfs, Capabilities.OPENZFS).set("tank/shop", threeProperties());
        assertEquals(List.of(List.of("zfs", "set", "com.zed:rev=7", "com.zed:spec-hash=9f2c41", "com.zed:deployed_by=ops@host1", "tank/shop")),
                zfs.calls);
    }

    @Test
    void openZfsArgv_zfsFuseSetOfThreePropertiesIsThreeCallsInOrder() {
        ScriptedZfs zfs = new ScriptedZfs();
        store(zfs, FUSE).set("tank/shop", threeProperties());
        assertEquals(List.of(
                List.of("zfs", "set", "com.zed:rev=7", "tank/shop"),
                List.of("zfs", "set", "com.zed:spec-hash=9f2c41", "tank/shop"),
                List.of("zfs", "set", "com.zed:deployed_by=ops@host1", "tank/shop")), zfs.calls);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 3. snapshot

    static final String SNAP = "zed-deploy-8-20261126T100000Z";

    static Map<String, Map<String, String>> snapshotState() {
        Map<String, String> shop = new LinkedHashMap<>();
        shop.put("com.zed:rev", "7");
        shop.put("com.zed:level", "shop");
        return Map.of("tank/shop", shop, "tank/shop/db", Map.of("com.zed:rev", "7"));
    }

    @Test
    void openZfsArgv_snapshotOfTwoDatasetsIsOneAtomicCallThenPropertiesOnEachSnapshot() {
        ScriptedZfs zfs = new ScriptedZfs();
        store(zfs, Capabilities.OPENZFS).snapshot(List.of("tank/shop", "tank/shop/db"), SNAP, snapshotState());
        assertCalls(zfs,
                "zfs snapshot tank/shop@" + SNAP + " tank/shop/db@" + SNAP,
                "zfs set com.zed:rev=7 com.zed:level=shop tank/shop@" + SNAP,
                "zfs set com.zed:rev=7 tank/shop/db@" + SNAP);
    }

    @Test
    void openZfsArgv_zfsFuseSnapshotIsOneCallPerDatasetWithItsProperties() {
        ScriptedZfs zfs = new ScriptedZfs();
        store(zfs, FUSE).snapshot(List.of("tank/shop", "tank/shop/db"), SNAP, snapshotState());
        assertCalls(zfs,
                "zfs snapshot -o com.zed:rev=7 -o com.zed:level=shop tank/shop@" + SNAP,
                "zfs snapshot -o com.zed:rev=7 tank/shop/db@" + SNAP);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 4. Typed errors from what OpenZFS 2.x and zfs-fuse 0.7 print

    /** One failing call: the store call that makes it, the argv that fails with {@code stderr}, what it must become. */
    record ErrorCase(String says, Capabilities caps, Consumer<ZfsStore> call, String failingArgv, String stderr,
                     StoreError.Kind kind, String dataset) {
        @Override
        public String toString() {
            return says;
        }
    }

    static Stream<ErrorCase> errorCases() {
        return Stream.of(
                new ErrorCase("OpenZFS: set on a missing dataset", Capabilities.OPENZFS,
                        s -> s.set("tank/gone", Map.of("com.zed:rev", "7")), "zfs set com.zed:rev=7 tank/gone",
                        "cannot open 'tank/gone': dataset does not exist\n", StoreError.Kind.NO_SUCH_DATASET, "tank/gone"),
                new ErrorCase("zfs-fuse: create under a missing parent", FUSE,
                        s -> s.create("tank/gone/child", Map.of("com.zed:managed", "true")), "zfs create -o com.zed:managed=true tank/gone/child",
                        "cannot create 'tank/gone/child': parent does not exist\n", StoreError.Kind.NO_SUCH_DATASET, "tank/gone/child"),
                new ErrorCase("OpenZFS: destroy of a held snapshot", Capabilities.OPENZFS,
                        s -> s.destroySnapshot("tank/shop", "s1"), "zfs destroy tank/shop@s1",
                        "cannot destroy snapshot tank/shop@s1: dataset is busy\n", StoreError.Kind.BUSY, "tank/shop@s1"),
                new ErrorCase("OpenZFS: unmount before destroy while files are open", Capabilities.OPENZFS,
                        s -> s.destroy("tank/shop"), "zfs unmount tank/shop",
                        "cannot unmount '/tank/shop': pool or dataset is busy\n", StoreError.Kind.BUSY, "tank/shop"),
                new ErrorCase("OpenZFS: destroy of a filesystem with children (no retries)", Capabilities.OPENZFS,
                        s -> s.destroy("tank/shop"), "zfs destroy tank/shop",
                        "cannot destroy 'tank/shop': filesystem has children\nuse '-r' to destroy the following datasets:\ntank/shop/db\n",
                        StoreError.Kind.BUSY, "tank/shop"),
                new ErrorCase("OpenZFS: create on a full pool", Capabilities.OPENZFS,
                        s -> s.create("tank/shop/new", Map.of()), "zfs create tank/shop/new",
                        "cannot create 'tank/shop/new': out of space\n", StoreError.Kind.NO_SPACE, "tank/shop/new"),
                new ErrorCase("OpenZFS and zfs-fuse: quota below what is used", Capabilities.OPENZFS,
                        s -> s.set("tank/shop", Map.of("quota", "1M")), "zfs set quota=1M tank/shop",
                        "cannot set property for 'tank/shop': size is less than current used or reserved space\n", StoreError.Kind.NO_SPACE, "tank/shop"),
                new ErrorCase("OpenZFS: create without delegated permission", Capabilities.OPENZFS,
                        s -> s.create("tank/shop/new", Map.of()), "zfs create tank/shop/new",
                        "cannot create 'tank/shop/new': permission denied\n", StoreError.Kind.PERMISSION, "tank/shop/new"),
                new ErrorCase("OpenZFS and zfs-fuse: unknown property", Capabilities.OPENZFS,
                        s -> s.set("tank/shop", Map.of("compresion", "lz4")), "zfs set compresion=lz4 tank/shop",
                        "cannot set property for 'tank/shop': invalid property 'compresion'\n", StoreError.Kind.INVALID_PROPERTY, "tank/shop"),
                new ErrorCase("zfs-fuse: lz4 is no compression it knows", FUSE,
                        s -> s.set("tank/shop", Map.of("compression", "lz4")), "zfs set compression=lz4 tank/shop",
                        "cannot set property for 'tank/shop': 'compression' must be one of 'on | off | lzjb | gzip | gzip-[1-9] | zle'\n",
                        StoreError.Kind.INVALID_PROPERTY, "tank/shop"),
                new ErrorCase("zfs-fuse: daemon not running", FUSE,
                        s -> s.set("tank/shop", Map.of("com.zed:rev", "7")), "zfs set com.zed:rev=7 tank/shop",
                        "connect: No such file or directory\nPlease make sure that the zfs-fuse daemon is running.\n"
                                + "internal error: failed to initialize ZFS library\n", StoreError.Kind.OTHER, "tank/shop"));
    }

    @ParameterizedTest(name = "openZfsArgv error typing: {0}")
    @MethodSource("errorCases")
    void openZfsArgv_stderrBecomesATypedErrorNamingTheDataset(ErrorCase c) {
        ScriptedZfs zfs = new ScriptedZfs().on(c.failingArgv(), fail(c.stderr()));
        StoreError e = assertThrows(StoreError.class, () -> c.call().accept(store(zfs, c.caps())));
        assertEquals(c.kind(), e.kind(), e.getMessage());
        assertEquals(c.dataset(), e.dataset());
        assertTrue(e.getMessage().startsWith(c.dataset() + ": "), e.getMessage());
        assertEquals(c.stderr().strip(), e.detail(), "what zfs said is kept");
        long tries = zfs.calls.stream().filter(a -> String.join(" ", a).equals(c.failingArgv())).count();
        assertEquals(1, tries, "the failing call is made once: " + zfs.calls);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 5. Replication with OpenZFS capabilities

    static final String SRC = "tank/shop";
    static final String DST = "backup/shop";
    static final String S1 = "zed-deploy-2-20261126T100001Z";
    static final String S2 = "zed-deploy-3-20261126T100002Z";
    static final String S3 = "zed-deploy-4-20261126T100003Z";
    /** What OpenZFS puts in receive_resume_token: a version, a checksum, a length and a compressed nvlist in hex. */
    static final String TOKEN = "1-e604ea4bf-e0-789c63a2c0bc4ba0c4e3d0e8ac1e0e2f1fc1a8fb4d9c5c2f63a90a14a2bd1052e2cd2a";

    static String snapshotsArgv(String dataset) {
        return "zfs get -H -p -r -d 1 -o name,property,value,source all " + dataset;
    }

    static String guidArgv(String snapshot) {
        return "zfs get -H -o value guid " + snapshot;
    }

    /**
     * What {@code zfs get -H -p -r -d 1 -o name,property,value,source all DATASET} prints (a few of its rows): the
     * dataset, a child (depth 1), and each snapshot with its createtxg and com.zed:rev, newest first so that only
     * createtxg can give the order.
     */
    static String snapshotRows(String dataset, String... snaps) {
        StringBuilder out = new StringBuilder();
        out.append(dataset).append("\ttype\tfilesystem\t-\n");
        out.append(dataset).append("\tcom.zed:level\tshop\tlocal\n");
        out.append(dataset).append("/db\tcreatetxg\t9\t-\n");
        for (int i = snaps.length - 1; i >= 0; i--) {
            String full = dataset + "@" + snaps[i];
            out.append(full).append("\ttype\tsnapshot\t-\n");
            out.append(full).append("\tcreatetxg\t").append(100 * (i + 1)).append("\t-\n");
            out.append(full).append("\tcom.zed:rev\t").append(i + 1).append("\tlocal\n");
            out.append(full).append("\tcom.zed:level\tshop\tinherited from ").append(dataset).append('\n');
        }
        return out.toString();
    }

    static final Pipe.Result CUT = new Pipe.Result(1, 1,
            "warning: cannot send '" + SRC + "@" + S1 + "': Broken pipe\n",
            "cannot receive new filesystem stream: checksum mismatch or incomplete stream.\n"
                    + "Partially received snapshot is saved.\n"
                    + "A resuming stream can be generated on the sending system by running:\n"
                    + "    zfs send -t " + TOKEN + "\n",
            52_428_800, false);

    @Test
    void openZfsArgv_interruptedFullReplicationKeepsTheTokenAndTheNextTryResumesWithSendT(@TempDir Path tmp) {
        ScriptedZfs zfs = new ScriptedZfs()
                .on(snapshotsArgv(SRC), ok(snapshotRows(SRC, S1)))
                .on("zfs list -H -o name " + DST, fail("cannot open '" + DST + "': dataset does not exist\n"),
                        fail("cannot open '" + DST + "': dataset does not exist\n"), ok(DST + "\n"))
                .on("zfs get -H -o value receive_resume_token " + DST, ok(TOKEN + "\n"), ok(TOKEN + "\n"), ok("-\n"))
                .on(snapshotsArgv(DST), ok(snapshotRows(DST, S1)))
                .on(guidArgv(SRC + "@" + S1), ok("7261039581163946842\n"))
                .on(guidArgv(DST + "@" + S1), ok("7261039581163946842\n"));
        ScriptedPipeline pipeline = new ScriptedPipeline();
        pipeline.answers.add(CUT);
        Path file = tmp.resolve("tokens.json");
        Replicator r = new Replicator(store(zfs, Capabilities.OPENZFS), new ResumeTokens(file), Duration.ofMinutes(1), pipeline);

        // (a) + (b): a full send into a resumable receive, cut; the target's token is kept on disk, the error is typed
        StoreError e = assertThrows(StoreError.class, () -> r.replicate(SRC, DST));
        assertEquals(DST, e.dataset());
        assertTrue(e.getMessage().startsWith(DST + ": "), e.getMessage());
        assertTrue(e.detail().startsWith("replication interrupted: "), e.detail());
        assertEquals(List.of("zfs send -p " + SRC + "@" + S1 + " | zfs receive -s " + DST), pipeline.runs);
        assertCalls(zfs,
                "zfs list -H -o name " + DST,
                snapshotsArgv(SRC),
                "zfs list -H -o name " + DST,
                "zfs get -H -o value receive_resume_token " + DST);
        assertEquals(TOKEN, new ResumeTokens(file).get(DST), "the token is on disk for the next try");

        // (c): the next try resumes first, clears the token, then finds the snapshot both sides share
        zfs.calls.clear();
        pipeline.runs.clear();
        Replicator.Result done = r.replicate(SRC, DST);
        assertEquals(List.of("zfs send -t " + TOKEN + " | zfs receive -s " + DST), pipeline.runs);
        assertNull(new ResumeTokens(file).get(DST), "a used token is dropped");
        assertTrue(done.resumed());
        assertFalse(done.full());
        assertEquals(S1, done.from());
        assertEquals(S1, done.to());
        assertCalls(zfs,
                // the target's own token is the truth; it is read first
                "zfs list -H -o name " + DST,
                "zfs get -H -o value receive_resume_token " + DST,
                // send -t carries no properties: the snapshot's and the dataset's state are set by hand
                snapshotsArgv(DST),
                snapshotsArgv(SRC),
                "zfs set com.zed:rev=1 " + DST + "@" + S1,
                "zfs get -H -o name,property,value,source all " + SRC,
                snapshotsArgv(SRC),
                "zfs list -H -o name " + DST,
                snapshotsArgv(DST),
                guidArgv(SRC + "@" + S1),
                guidArgv(DST + "@" + S1),
                "zfs hold zed-replica " + SRC + "@" + S1);
    }

    @Test
    void openZfsArgv_aStaleTokenIsAbortedWithReceiveDashAAndTheIncrementStartsAgain(@TempDir Path tmp) {
        ScriptedZfs zfs = new ScriptedZfs()
                .on(snapshotsArgv(SRC), ok(snapshotRows(SRC, S1, S2)))
                .on("zfs list -H -o name " + DST, ok(DST + "\n"))
                .on("zfs get -H -o value receive_resume_token " + DST, ok(TOKEN + "\n"), ok(TOKEN + "\n"))
                .on(snapshotsArgv(DST), ok(snapshotRows(DST, S1)))
                .on(guidArgv(SRC + "@" + S1), ok("7261039581163946842\n"))
                .on(guidArgv(DST + "@" + S1), ok("7261039581163946842\n"));
        ScriptedPipeline pipeline = new ScriptedPipeline();
        pipeline.answers.add(new Pipe.Result(1, 1, "cannot resume send: '" + SRC + "@" + S2 + "' used in the initial send no longer exists\n", "", 0, false));
        Path file = tmp.resolve("tokens.json");
        Replicator r = new Replicator(store(zfs, Capabilities.OPENZFS), new ResumeTokens(file), Duration.ofMinutes(1), pipeline);

        Replicator.Result done = r.replicate(SRC, DST);
        assertFalse(done.resumed());
        assertEquals(List.of("zfs send -t " + TOKEN + " | zfs receive -s " + DST,
                "zfs send -p -I " + SRC + "@" + S1 + " " + SRC + "@" + S2 + " | zfs receive -s -F " + DST), pipeline.runs);
        assertTrue(zfs.calls.contains(List.of("zfs", "receive", "-A", DST)), zfs.calls.toString());
        assertNull(new ResumeTokens(file).get(DST), "a token that cannot work is not kept");
    }

    @Test
    void openZfsArgv_incrementalSendsPropertiesFromTheCommonSnapshotAndHoldsTheNewest(@TempDir Path tmp) {
        ScriptedZfs zfs = new ScriptedZfs()
                .on(snapshotsArgv(SRC), ok(snapshotRows(SRC, S1, S2, S3)))
                .on("zfs list -H -o name " + DST, ok(DST + "\n"))
                .on(snapshotsArgv(DST), ok(snapshotRows(DST, S1)))
                .on(guidArgv(SRC + "@" + S1), ok("7261039581163946842\n"))
                .on(guidArgv(DST + "@" + S1), ok("7261039581163946842\n"))
                .on("zfs release zed-replica " + SRC + "@" + S2,
                        fail("cannot release hold from snapshot '" + SRC + "@" + S2 + "': no such tag on this dataset\n"));
        ScriptedPipeline pipeline = new ScriptedPipeline();
        Replicator r = new Replicator(store(zfs, Capabilities.OPENZFS), new ResumeTokens(tmp.resolve("tokens.json")), Duration.ofMinutes(1), pipeline);

        Replicator.Result done = r.replicate(SRC, DST);

        // (d)
        assertEquals(List.of("zfs send -p -I " + SRC + "@" + S1 + " " + SRC + "@" + S3 + " | zfs receive -s -F " + DST), pipeline.runs);
        assertFalse(done.full());
        assertFalse(done.resumed());
        assertEquals(S1, done.from());
        assertEquals(S3, done.to());
        // (e): the newest is held, the older ones released (a missing tag is no error)
        assertCalls(zfs,
                "zfs list -H -o name " + DST,
                "zfs get -H -o value receive_resume_token " + DST,
                snapshotsArgv(SRC),
                "zfs list -H -o name " + DST,
                snapshotsArgv(DST),
                guidArgv(SRC + "@" + S1),
                guidArgv(DST + "@" + S1),
                "zfs hold zed-replica " + SRC + "@" + S3,
                "zfs release zed-replica " + SRC + "@" + S1,
                "zfs release zed-replica " + SRC + "@" + S2);
    }

    @Test
    void openZfsArgv_zfsFuseReceiveHasNoDashSAndACutStreamReadsNoToken(@TempDir Path tmp) {
        ScriptedZfs zfs = new ScriptedZfs()
                .on(snapshotsArgv(SRC), ok(snapshotRows(SRC, S1)))
                .on("zfs list -H -o name " + DST, fail("cannot open '" + DST + "': dataset does not exist\n"));
        ScriptedPipeline pipeline = new ScriptedPipeline();
        pipeline.answers.add(CUT);
        ResumeTokens tokens = new ResumeTokens(tmp.resolve("tokens.json"));
        Replicator r = new Replicator(store(zfs, FUSE), tokens, Duration.ofMinutes(1), pipeline);

        assertThrows(StoreError.class, () -> r.replicate(SRC, DST));
        assertEquals(List.of("zfs send -p " + SRC + "@" + S1 + " | zfs receive " + DST), pipeline.runs);
        assertCalls(zfs, snapshotsArgv(SRC), "zfs list -H -o name " + DST);
        assertNull(tokens.get(DST));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 6. Names never become options

    @Test
    void openZfsArgv_badNamesAreRefusedBeforeAnyArgvIsBuilt(@TempDir Path tmp) {
        ScriptedZfs zfs = new ScriptedZfs();
        ScriptedPipeline pipeline = new ScriptedPipeline();
        ZfsStore s = store(zfs, Capabilities.OPENZFS);
        Replicator r = new Replicator(s, new ResumeTokens(tmp.resolve("tokens.json")), Duration.ofMinutes(1), pipeline);
        Map<String, String> rev = Map.of("com.zed:rev", "7");

        List<Runnable> calls = List.of(
                () -> s.create("-o", Map.of()),
                () -> s.create("tank/-o", rev),
                () -> s.create("tank/shop", Map.of("-o", "x")),
                () -> s.set("pool/../x", rev),
                () -> s.set("/tank", rev),
                () -> s.set("tank/shop@s1", rev),
                () -> s.destroy("-r"),
                () -> s.inherit("tank/shop", "-r"),
                () -> s.snapshot(List.of("tank/shop", "-r"), "s1", Map.of()),
                () -> s.snapshot(List.of("tank/shop"), "-r", Map.of()),
                () -> s.destroySnapshot("tank/shop", "-R"),
                () -> s.rollback("-f", "s1"),
                () -> s.hold("-r", "tank/shop", "s1"),
                () -> s.observe("-r", java.util.Set.of()),
                () -> r.replicate("-R", "backup/shop"),
                () -> r.replicate("tank/shop", "-F"));
        for (Runnable call : calls) {
            StoreError e = assertThrows(StoreError.class, call::run);
            assertTrue(e.kind() == StoreError.Kind.INVALID_NAME || e.kind() == StoreError.Kind.INVALID_PROPERTY, e.getMessage());
        }
        assertEquals(List.of(), zfs.calls, "no zfs was run");
        assertEquals(List.of(), pipeline.runs, "no send|receive was run");
    }
}
