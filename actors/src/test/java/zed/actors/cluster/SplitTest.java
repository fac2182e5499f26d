package zed.actors.cluster;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which side of a split leaves the lease to the other side first, as Pekko's lease-majority counts it. */
class SplitTest {
    @Test
    void theSmallerSideIsTheMinorityAndTheLargerNot() {
        assertTrue(new Split(3, 2, false).minority(), "a host cut off from two others");
        assertFalse(new Split(3, 1, false).minority(), "the two others");
        assertFalse(new Split(3, 1, true).minority(), "the two others, the lost host the lowest");
        assertTrue(new Split(5, 3, true).minority(), "two of five");
        assertFalse(new Split(5, 2, true).minority(), "three of five");
    }

    @Test
    void anEqualSplitKeepsTheSideWithTheLowestAddress() {
        assertTrue(new Split(2, 1, true).minority(), "two hosts: the other is the lowest");
        assertFalse(new Split(2, 1, false).minority(), "two hosts: this one is the lowest");
        assertTrue(new Split(4, 2, true).minority());
        assertFalse(new Split(4, 2, false).minority());
    }

    @Test
    void aWholeClusterIsNoMinority() {
        assertFalse(new Split(3, 0, false).minority());
        assertFalse(new Split(1, 0, false).minority());
        assertFalse(new Split(0, 0, false).minority(), "no member counted yet");
    }
}
