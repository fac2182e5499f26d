package zed.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Zedfile a moved level keeps: its host the new one, its standby the old one where it named the new. */
class MovedSourceTest {
    @Test
    void theHostNamesTheNewHostAndTheStandbyTheOld() {
        String before = "level \"web\" {\n  host = \"h1\"  # where\n}\nfailover {\n  standby = \"h2\"\n  every = \"2s\"\n}\ndataset \"h1\" {}\n";
        assertEquals("level \"web\" {\n  host = \"h2\"  # where\n}\nfailover {\n  standby = \"h1\"\n  every = \"2s\"\n}\ndataset \"h1\" {}\n",
                MovedSource.of("Zedfile", before, "h1", "h2"));
    }

    @Test
    void aStandbyElsewhereStaysAndAStandbyBeforeTheLevelBlockToo() {
        assertEquals("level \"web\" { host = \"h3\" }\nfailover { standby = \"h2\" }\n",
                MovedSource.of("Zedfile", "level \"web\" { host = \"h1\" }\nfailover { standby = \"h2\" }\n", "h1", "h3"));
        assertEquals("failover { standby = \"h1\" }\nlevel \"web\" { host = \"h2\" }\n",
                MovedSource.of("Zedfile", "failover { standby = \"h2\" }\nlevel \"web\" { host = \"h1\" }\n", "h1", "h2"));
    }

    @Test
    void aLevelWithoutHostOrStandbyIsUnchanged() {
        assertEquals("dataset \"d\" {}\n", MovedSource.of("Zedfile", "dataset \"d\" {}\n", "h1", "h2"));
    }
}
