package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import zed.reconciler.secret.SecretStore;
import zed.reconciler.secret.SlotRecord;
import zed.reconciler.secret.Verdict;

import java.io.PrintWriter;
import java.util.List;

/** {@code zed secrets status}: each slot's record and verdict; {@code zed secrets verify}: the verdicts alone, exit 1 unless all are ok. */
@Command(name = "status", description = "Lists the slots: their state (ok, unset, missing, drift), when set and rotated, and their consumers; never a value.")
final class SecretsStatusCommand extends SecretsAction {
    @Override
    public Integer call() {
        PrintWriter out = out();
        SecretStore store = place.secrets();
        List<SecretStore.Checked> all = store.verify();
        out.println("store " + store.dataset() + ", key " + place.keyFile());
        if (all.isEmpty()) {
            out.println("no slots (zed secrets set SLOT < value)");
            return 0;
        }
        List<String[]> rows = new java.util.ArrayList<>();
        rows.add(new String[]{"SLOT", "STATE", "CREATED", "ROTATED", "ROTATIONS", "CONSUMERS"});
        for (SecretStore.Checked c : all) {
            SlotRecord r = c.record();
            rows.add(new String[]{c.slot().name(), c.verdict().word(), dash(r.createdAt()), dash(r.rotatedAt()), Integer.toString(r.rotationCount()),
                    r.consumers().isEmpty() ? "-" : String.join(",", r.consumers())});
        }
        out.print(zed.reconciler.Columns.render(rows));
        out.flush();
        return 0;
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }

    @Command(name = "verify", description = "Prints each slot and its state: ok, unset (asked for, never set), missing (set, file gone), drift (the file is not the value recorded); exit 1 unless all are ok.")
    static final class Verify extends SecretsAction {
        @Override
        public Integer call() {
            PrintWriter out = out();
            boolean allOk = true;
            for (SecretStore.Checked c : place.secrets().verify()) {
                out.println(c.slot().name() + " " + c.verdict().word());
                allOk &= c.verdict() == Verdict.OK;
            }
            return allOk ? 0 : 1;
        }
    }
}
