package zed.reconciler.ops;

import org.junit.jupiter.api.Test;
import zed.config.Value;
import zed.reconciler.store.StoreError;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A secret's mark in an unprivileged agent's values, and ops's filling of it. */
class SecretMarksTest {
    @Test
    void marksAreFilledWithTheirSlotsValuesAndNameTheirConsumer() {
        String text = "user=app password=" + SecretMarks.mark("shop/exec/web", new Value.SecretRef("db", null))
                + " token=" + SecretMarks.mark("shop/exec/web", new Value.SecretRef("api", "token"));
        assertTrue(SecretMarks.marked(text));
        assertFalse(text.contains("s3cret"), "a mark holds no value");
        List<String> asked = new ArrayList<>();
        String filled = SecretMarks.fill(text, (consumer, ref) -> {
            asked.add(consumer + " " + ref.slot() + " " + ref.field());
            return ref.slot().equals("db") ? "s3cret$1\\x" : "t0k";
        });
        assertEquals("user=app password=s3cret$1\\x token=t0k", filled, "a value is put as it is, $ and \\ too");
        assertEquals(List.of("shop/exec/web db null", "shop/exec/web api token"), asked);
        assertEquals("plain", SecretMarks.fill("plain", (c, r) -> "never"));
    }

    @Test
    void aBrokenMarkIsRefusedNotHalfFilled() {
        String mark = SecretMarks.mark(null, new Value.SecretRef("db", null));
        String broken = mark.substring(0, mark.length() - 1) + "x";
        assertThrows(StoreError.class, () -> SecretMarks.fill(broken, (c, r) -> "v"));
    }
}
