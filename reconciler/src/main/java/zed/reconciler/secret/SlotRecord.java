package zed.reconciler.secret;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the store records of a slot, as the properties {@code com.zed:secret.<slot>.{fingerprint, created_at,
 * rotated_at, rotation_count, consumers}} of its dataset. Never the value, nor anything a guess could be checked against
 * without the host key.
 *
 * @param fingerprint   {@link HostKey#fingerprint}; null when the slot was never set (a consumer asked for it)
 * @param consumers     the services and jobs that read the slot at their start ({@code level/kind/name}, a job's kind
 *                      {@code job}), sorted
 */
public record SlotRecord(Slot slot, String fingerprint, String createdAt, String rotatedAt, int rotationCount, List<String> consumers) {
    static final String PREFIX = "com.zed:secret.";
    static final List<String> FIELDS = List.of("fingerprint", "created_at", "rotated_at", "rotation_count", "consumers");

    public SlotRecord {
        consumers = List.copyOf(new TreeSet<>(consumers));
    }

    public static String property(Slot slot, String field) {
        return PREFIX + slot.name() + "." + field;
    }

    /** The slot's properties; a field without a value is left out (it is cleared, not written empty). */
    public Map<String, String> properties() {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        if (fingerprint != null) p.put(property(slot, "fingerprint"), fingerprint);
        if (createdAt != null) p.put(property(slot, "created_at"), createdAt);
        if (rotatedAt != null) p.put(property(slot, "rotated_at"), rotatedAt);
        if (fingerprint != null) p.put(property(slot, "rotation_count"), Integer.toString(rotationCount));
        if (!consumers.isEmpty()) p.put(property(slot, "consumers"), String.join(",", consumers));
        return p;
    }

    /** The slot's record from the dataset's {@code com.zed:*} properties; null when there is none. */
    public static SlotRecord of(Slot slot, Map<String, String> props) {
        String fp = props.get(property(slot, "fingerprint"));
        String consumers = props.get(property(slot, "consumers"));
        if (fp == null && consumers == null) return null;
        int count;
        try {
            count = Integer.parseInt(props.getOrDefault(property(slot, "rotation_count"), "0"));
        } catch (NumberFormatException e) {
            count = 0;
        }
        return new SlotRecord(slot, fp, props.get(property(slot, "created_at")), props.get(property(slot, "rotated_at")), count,
                consumers == null || consumers.isEmpty() ? List.of() : List.of(consumers.split(",")));
    }

    /** The slots that the properties name, sorted. */
    public static Set<Slot> slots(Map<String, String> props) {
        Set<String> names = new TreeSet<>();
        for (String k : props.keySet()) {
            if (!k.startsWith(PREFIX)) continue;
            String rest = k.substring(PREFIX.length());
            int dot = rest.lastIndexOf('.');
            if (dot > 0 && FIELDS.contains(rest.substring(dot + 1)) && Slot.valid(rest.substring(0, dot))) names.add(rest.substring(0, dot));
        }
        Set<Slot> out = new java.util.LinkedHashSet<>();
        for (String n : names) out.add(new Slot(n));
        return out;
    }

    public SlotRecord withValue(String newFingerprint, String now) {
        return new SlotRecord(slot, newFingerprint, createdAt == null ? now : createdAt, rotatedAt, rotationCount, consumers);
    }

    /** A rotation's record: the new value's fingerprint, when, and one more rotation; created_at stays. */
    public SlotRecord rotated(String newFingerprint, String now) {
        return new SlotRecord(slot, newFingerprint, createdAt == null ? now : createdAt, now, rotationCount + 1, consumers);
    }

    public SlotRecord withConsumer(String service) {
        List<String> c = new java.util.ArrayList<>(consumers);
        if (!c.contains(service)) c.add(service);
        return new SlotRecord(slot, fingerprint, createdAt, rotatedAt, rotationCount, c);
    }

    public static SlotRecord none(Slot slot) {
        return new SlotRecord(slot, null, null, null, 0, List.of());
    }
}
