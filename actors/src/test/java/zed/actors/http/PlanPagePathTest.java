package zed.actors.http;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Plan page's API paths, read back the way the node reads a page's call (its segments decoded, then
 * {@link LevelPath}): a level whose last name is an action word is that level, whatever the page asks of it.
 */
class PlanPagePathTest {
    static LevelPath asTheNodeReadsIt(String path) {
        List<String> s = NodeApi.segments(path);
        assertEquals(List.of("v1", "levels"), s.subList(0, 2), path);
        return LevelPath.of(s.subList(2, s.size()));
    }

    @Test
    void aLevelNamedLikeAnActionIsThatLevel() {
        List<String> levels = new ArrayList<>(List.of("shop", "shop/web", "plan", "a/b/c"));
        for (String action : LevelPath.ACTIONS) levels.add("shop/" + action);
        for (String level : levels) {
            for (String action : java.util.Arrays.asList(null, "revisions", "push-plan")) {
                assertEquals(new LevelPath(level, action), asTheNodeReadsIt(PlanPage.apiPath(level, action)), level + " " + action);
            }
        }
        assertEquals("/v1/levels/shop%2Fplan", PlanPage.apiPath("shop/plan", null), "the apply's PUT, one segment");
        assertEquals(RouteScopes.needed("PUT", List.of("v1", "levels", "shop", "web")), RouteScopes.needed("PUT", NodeApi.segments(PlanPage.apiPath("shop/plan", null))),
                "a push's scope (deploy), not a plan's");
    }
}
