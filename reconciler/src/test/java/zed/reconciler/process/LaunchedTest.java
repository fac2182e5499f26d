package zed.reconciler.process;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a launch token is matched in a process's environment (NUL-separated, as /proc/PID/environ holds it): whole entries only. */
class LaunchedTest {
    static final LaunchToken TOKEN = new LaunchToken("0123456789abcdef0123456789abcdef");

    static boolean holds(String environ) {
        return Launched.holds(environ.getBytes(StandardCharsets.UTF_8), TOKEN.assignment().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theTokenIsFoundAsAWholeEntryAnywhereInTheEnvironment() {
        assertTrue(holds("ZED_LAUNCH=0123456789abcdef0123456789abcdef"));
        assertTrue(holds("PATH=/bin\0ZED_LAUNCH=0123456789abcdef0123456789abcdef\0HOME=/x\0"));
        assertTrue(holds("PATH=/bin\0ZED_LAUNCH=0123456789abcdef0123456789abcdef"), "the last entry, without its NUL");
    }

    @Test
    void aPartOfAnEntryIsNotTheToken() {
        assertFalse(holds(""));
        assertFalse(holds("ZED_LAUNCH=0123456789abcdef0123456789abcdef0\0"), "a longer value");
        assertFalse(holds("XZED_LAUNCH=0123456789abcdef0123456789abcdef\0"), "another variable's name that ends in it");
        assertFalse(holds("ARGS=ZED_LAUNCH=0123456789abcdef0123456789abcdef\0"), "inside another variable's value");
        assertFalse(holds("ZED_LAUNCH=0123456789abcdef0123456789abcde\0f"), "split by a NUL");
        assertFalse(holds("ZED_LAUNCH=ffffffffffffffffffffffffffffffff\0"), "another launch");
    }
}
