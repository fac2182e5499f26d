package zed.reconciler.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwapTest {
    @TempDir
    Path tmp;

    @Test
    @EnabledOnOs(OS.LINUX)
    void onLinuxTwoDirectoriesTradePlacesInOneCall() throws IOException {
        Path fresh = Files.createDirectories(tmp.resolve("fresh"));
        Path target = Files.createDirectories(tmp.resolve("1.4.2"));
        Files.writeString(fresh.resolve("VERSION"), "new\n");
        Files.writeString(target.resolve("VERSION"), "old\n");

        assertTrue(Swap.exchangeAtOnce(fresh, target), "renameat2(RENAME_EXCHANGE) is there on Linux");
        assertEquals("new\n", Files.readString(target.resolve("VERSION")));
        assertEquals("old\n", Files.readString(fresh.resolve("VERSION")));
    }

    @Test
    void elsewhereThreeRenamesDoTheSame() throws IOException {
        Path fresh = Files.createDirectories(tmp.resolve("fresh"));
        Path target = Files.createDirectories(tmp.resolve("1.4.2"));
        Files.writeString(fresh.resolve("VERSION"), "new\n");
        Files.writeString(target.resolve("VERSION"), "old\n");

        Swap.exchangeByRenames(fresh, target);
        assertEquals("new\n", Files.readString(target.resolve("VERSION")));
        assertEquals("old\n", Files.readString(fresh.resolve("VERSION")));
        assertEquals(List.of("1.4.2/", "1.4.2/VERSION", "fresh/", "fresh/VERSION"), Tree.entries(tmp));
    }

    @Test
    void currentIsSwitchedByRenamingALinkOverIt() throws IOException {
        Path current = tmp.resolve("current");
        Swap.symlink(current, Path.of("releases/1.4.2"));
        Swap.symlink(current, Path.of("releases/1.4.3"));
        assertEquals(Path.of("releases/1.4.3"), Files.readSymbolicLink(current));
        assertEquals(1, Tree.entries(tmp).size(), "no current.tmp left: " + Tree.entries(tmp));
    }
}
