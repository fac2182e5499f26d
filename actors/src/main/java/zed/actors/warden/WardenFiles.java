package zed.actors.warden;

import java.nio.file.Path;

/**
 * What an agent and its warden share, in {@code $ZED_HOME/warden}: the heartbeat ({@code alive}, whose modification
 * time the agent sets every second), the levels with a standby and their pool ({@code standby-levels}), the mark of a
 * clean exit ({@code stopped}), the warden's lock ({@code lock}), its log ({@code warden.log}) and its record of a
 * stand-down ({@code stood-down}), which the next agent reads.
 */
public record WardenFiles(Path dir) {
    public static WardenFiles of(Path home) {
        return new WardenFiles(home.resolve("warden"));
    }

    public Path alive() {
        return dir.resolve("alive");
    }

    public Path levels() {
        return dir.resolve("standby-levels");
    }

    public Path stopped() {
        return dir.resolve("stopped");
    }

    public Path lock() {
        return dir.resolve("lock");
    }

    public Path log() {
        return dir.resolve("warden.log");
    }

    public Path stoodDown() {
        return dir.resolve("stood-down");
    }
}
