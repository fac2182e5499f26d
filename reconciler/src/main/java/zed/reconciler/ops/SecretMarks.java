package zed.reconciler.ops;

import zed.config.Value;
import zed.reconciler.store.StoreError;

import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A secret's place in a value an unprivileged agent builds (an environment variable, a rendered file): a mark that
 * names the consumer, the slot and the field, which zed ops replaces with the value when it starts the process or
 * writes the file. The agent never holds the host key nor a value; ops reads them. Pure.
 */
public final class SecretMarks {
    private static final char START = '\u001F';
    private static final char SEP = '\u001E';
    private static final String WORD = "zed-secret";
    private static final Pattern MARK = Pattern.compile(START + WORD + SEP + "([^\u001E\u001F]*)" + SEP + "([^\u001E\u001F]*)" + SEP + "([^\u001E\u001F]*)" + START);

    private SecretMarks() {
    }

    /** @param consumer the service or job whose start this is ({@code level/kind/name}), recorded as the slot's consumer */
    public static String mark(String consumer, Value.SecretRef ref) {
        return START + WORD + SEP + (consumer == null ? "" : consumer) + SEP + ref.slot() + SEP + (ref.field() == null ? "" : ref.field()) + START;
    }

    public static boolean marked(String text) {
        return text.indexOf(START) >= 0 && MARK.matcher(text).find();
    }

    /**
     * The text with each mark replaced by {@code value.apply(consumer, ref)} (consumer null where the mark names none).
     *
     * @throws StoreError for a broken mark: a value is never half filled
     */
    public static String fill(String text, BiFunction<String, Value.SecretRef, String> value) {
        if (text.indexOf(START) < 0) return text;
        Matcher m = MARK.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String consumer = m.group(1).isEmpty() ? null : m.group(1);
            String field = m.group(3).isEmpty() ? null : m.group(3);
            m.appendReplacement(out, Matcher.quoteReplacement(value.apply(consumer, new Value.SecretRef(m.group(2), field))));
        }
        m.appendTail(out);
        if (out.indexOf(START + WORD) >= 0) throw new StoreError(StoreError.Kind.INVALID_NAME, "secret", "a secret's mark is broken");
        return out.toString();
    }
}
