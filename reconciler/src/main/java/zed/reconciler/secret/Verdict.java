package zed.reconciler.secret;

/** What {@code zed secrets verify} says of a slot (docs/secrets.md). */
public enum Verdict {
    /** The file opens with the host key, and its value's fingerprint is the one recorded. */
    OK,
    /** A service asked for the slot, but it was never set. */
    UNSET,
    /** The slot was set (it has a fingerprint), but its file is gone. */
    MISSING,
    /** The file does not open with the host key, its value is not the one recorded, or it has no record at all. */
    DRIFT;

    /**
     * The verdict on a slot, from its record (null: none), whether its file is there, and the fingerprint of what the
     * file holds (null: it did not open).
     */
    public static Verdict of(SlotRecord record, boolean filePresent, String fileFingerprint) {
        boolean set = record != null && record.fingerprint() != null;
        if (!filePresent) return set ? MISSING : UNSET;
        if (!set || fileFingerprint == null) return DRIFT;
        return java.security.MessageDigest.isEqual(record.fingerprint().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                fileFingerprint.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) ? OK : DRIFT;
    }

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
