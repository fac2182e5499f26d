package zed.reconciler.gpu;

import java.util.List;

/** What one source found: its GPUs, and notes that say why it found nothing or what it left out. */
public record Found(String source, List<Gpu> gpus, List<String> notes) {
    public Found {
        gpus = List.copyOf(gpus);
        notes = List.copyOf(notes);
    }

    public static Found nothing(String source, String why) {
        return new Found(source, List.of(), List.of(why));
    }
}
