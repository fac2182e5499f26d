package zed.actors.job;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTokenTest {
    @Test
    void aTokenIs32RandomBytesInBase64urlWithoutPadding() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String t = CheckpointToken.generate();
            assertEquals(43, t.length(), t);
            assertTrue(t.matches("[A-Za-z0-9_-]+"), "base64url, no padding: " + t);
            assertEquals(32, Base64.getUrlDecoder().decode(t).length);
            assertTrue(CheckpointToken.wellFormed(t));
            assertTrue(seen.add(t), "a token is new each time");
        }
    }

    @Test
    void onlyATokensFormIsLookedUp() {
        String t = CheckpointToken.generate();
        assertFalse(CheckpointToken.wellFormed(null));
        assertFalse(CheckpointToken.wellFormed(""));
        assertFalse(CheckpointToken.wellFormed(t.substring(1)));
        assertFalse(CheckpointToken.wellFormed(t + "="));
        assertFalse(CheckpointToken.wellFormed(t.substring(1) + "+"));
        assertFalse(CheckpointToken.wellFormed(t.substring(1) + "/"));
    }

    @Test
    void aTokenIsKnownByItsHashNotItself() {
        String t = CheckpointToken.generate();
        String key = CheckpointToken.key(t);
        assertEquals(key, CheckpointToken.key(t));
        assertEquals(64, key.length());
        assertFalse(key.contains(t));
        assertNotEquals(key, CheckpointToken.key(CheckpointToken.generate()));
    }

    @Test
    void theUrlNamesTheApiAsTheJobOnThisHostReachesIt() {
        String t = "A".repeat(43);
        assertEquals("http://127.0.0.1:7700/v1/checkpoints/" + t, CheckpointToken.url("127.0.0.1", 7700, t));
        assertEquals("http://10.0.0.5:8080/v1/checkpoints/" + t, CheckpointToken.url("10.0.0.5", 8080, t));
        assertEquals("http://localhost:7700/v1/checkpoints/" + t, CheckpointToken.url("localhost", 7700, t));
        // a wildcard bind is reached on loopback
        assertEquals("http://127.0.0.1:7700/v1/checkpoints/" + t, CheckpointToken.url("0.0.0.0", 7700, t));
        assertEquals("http://[::1]:7700/v1/checkpoints/" + t, CheckpointToken.url("::", 7700, t));
        // IPv6 in brackets, once
        assertEquals("http://[::1]:7700/v1/checkpoints/" + t, CheckpointToken.url("::1", 7700, t));
        assertEquals("http://[fd00::5]:7700/v1/checkpoints/" + t, CheckpointToken.url("[fd00::5]", 7700, t));
    }
}
