package zed.reconciler.process;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Start times chosen by the operating system's name; the non-Linux source is the JDK's, which runs here too. */
class StartTimeTest {
    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void theOperatingSystemIsToldByItsName() {
        assertEquals(HostOs.LINUX, HostOs.of("Linux"));
        assertEquals(HostOs.FREEBSD, HostOs.of("FreeBSD"));
        assertEquals(HostOs.ILLUMOS, HostOs.of("SunOS"));
        assertEquals(HostOs.MACOS, HostOs.of("Mac OS X"));
        assertEquals(HostOs.OTHER, HostOs.of("OpenBSD"));
    }

    @Test
    void onLinuxItIsTheTicksOfProcStat() {
        assumeTrue(Proc.linux(), "reads /proc");
        assertEquals(Optional.of("ticks:" + Proc.stat(SELF, 22).orElseThrow()), StartTime.of(SELF));
    }

    @Test
    void onTheBsdsAndIllumosItIsTheJdksInstant() {
        String instant = "instant:" + ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
        for (HostOs os : new HostOs[] {HostOs.FREEBSD, HostOs.ILLUMOS, HostOs.MACOS}) {
            assertEquals(Optional.of(instant), StartTime.of(SELF, os), os.toString());
        }
    }

    @Test
    void onlyTheSameStartIsTheSameProcess() {
        assertTrue(StartTime.same(SELF, StartTime.of(SELF).orElseThrow()));
        assertFalse(StartTime.same(SELF, "ticks:1"));
        assertFalse(StartTime.same(SELF, "instant:1"));
    }
}
