package zed.actors.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where a pushed level runs, every case: pure, no cluster. */
class PlacementRuleTest {
    static final Set<String> MEMBERS = Set.of("h1", "h2", "h3");

    @Test
    void aNewLevelGoesToTheHostItNamesElseToTheHostThatReceivedIt() {
        assertEquals(new PlacementRule.Place("h2", true), PlacementRule.decide("web", null, "h2", "h1", MEMBERS));
        assertEquals(new PlacementRule.Place("h1", true), PlacementRule.decide("web", null, null, "h1", MEMBERS));
    }

    @Test
    void aPlacedLevelStaysWhereItIsWhateverNodeReceivesItsPush() {
        assertEquals(new PlacementRule.Place("h3", false), PlacementRule.decide("web", "h3", null, "h1", MEMBERS));
        assertEquals(new PlacementRule.Place("h3", false), PlacementRule.decide("web", "h3", "h3", "h1", MEMBERS));
        // its host away (no longer a member): it still belongs there, and waits
        assertEquals(new PlacementRule.Place("h3", false), PlacementRule.decide("web", "h3", null, "h1", Set.of("h1", "h2")));
    }

    @Test
    void aHostThatIsNotAMemberIsRefusedNamingTheMembers() {
        assertEquals(new PlacementRule.Refuse(PlacementRule.Refuse.Why.NOT_A_MEMBER, "host \"h9\" is not a member of the cluster (members: h1, h2, h3)"),
                PlacementRule.decide("web", null, "h9", "h1", MEMBERS));
    }

    @Test
    void aPushNeverMovesALevelToAnotherHost() {
        PlacementRule.Decision d = PlacementRule.decide("web", "h1", "h2", "h1", MEMBERS);
        assertEquals(PlacementRule.Refuse.Why.MOVE, ((PlacementRule.Refuse) d).why());
        assertEquals("level web runs on host h1, not h2: a push does not move a level between hosts: keep host = \"h1\", or move it with zed move web --to h2",
                ((PlacementRule.Refuse) d).message());
    }

    @Test
    void aStandbyIsCheckedLikeAHost() {
        assertEquals(null, PlacementRule.notAMember("h3", Set.of("h1", "h3")));
        assertEquals("host \"h9\" is not a member of the cluster (members: h1, h3)", PlacementRule.notAMember("h9", Set.of("h3", "h1")));
    }

    @Test
    void aLevelWithHostsGetsOneInstancePerHostAndKeepsThem() {
        assertEquals(new PlacementRule.PlaceEach(List.of("h2", "h1"), true), PlacementRule.decideEach("web", null, List.of(), List.of("h2", "h1"), MEMBERS));
        assertEquals(new PlacementRule.PlaceEach(List.of("h1", "h2"), false), PlacementRule.decideEach("web", null, List.of("h2", "h1"), List.of("h1", "h2"), MEMBERS));
    }

    @Test
    void hostsThatAreNotMembersOrThatChangeAreRefused() {
        assertEquals(new PlacementRule.Refuse(PlacementRule.Refuse.Why.NOT_A_MEMBER, "host \"h9\" is not a member of the cluster (members: h1, h2, h3)"),
                PlacementRule.decideEach("web", null, List.of(), List.of("h1", "h9"), MEMBERS));
        assertEquals(new PlacementRule.Refuse(PlacementRule.Refuse.Why.MOVE, "level web runs on hosts h1, h2: a push does not change the hosts of a level "
                + "(not supported yet); keep hosts = [\"h1\", \"h2\"]"), PlacementRule.decideEach("web", null, List.of("h1", "h2"), List.of("h1", "h2", "h3"), MEMBERS));
        assertEquals(new PlacementRule.Refuse(PlacementRule.Refuse.Why.MOVE, "level web runs on host h1 alone: a push does not make it run on several hosts "
                + "(not supported yet); keep host = \"h1\""), PlacementRule.decideEach("web", "h1", List.of(), List.of("h1", "h2"), MEMBERS));
    }

    @Test
    void aMultiHostLevelPushedWithOneHostOrNoneIsRefused() {
        for (String declared : new String[]{null, "h1"}) {
            PlacementRule.Decision d = PlacementRule.decide("web", null, List.of("h1", "h2"), declared, "h1", MEMBERS);
            assertEquals(new PlacementRule.Refuse(PlacementRule.Refuse.Why.MOVE, "level web runs on hosts h1, h2: a push does not change the hosts of a level "
                    + "(not supported yet); keep hosts = [\"h1\", \"h2\"]"), d);
        }
    }
}
