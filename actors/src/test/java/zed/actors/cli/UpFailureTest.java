package zed.actors.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Why {@code zed up} says a revision did not converge: the level's own words, never "?". */
class UpFailureTest {
    final ObjectMapper json = new ObjectMapper();

    @Test
    void theLevelsErrorWhenItHasOne() throws Exception {
        assertEquals("service.exec.web: crash loop", UpCommand.failure(json.readTree(
                "{\"state\": \"Converged\", \"desiredRevision\": 1, \"error\": \"service.exec.web: crash loop\"}"), 2));
    }

    @Test
    void whatBecameOfTheRevisionWhenTheLevelHasNoError() throws Exception {
        assertEquals("the level went on to revision 1 before revision 2 converged", UpCommand.failure(json.readTree(
                "{\"state\": \"Converged\", \"desiredRevision\": 1}"), 2));
        assertEquals("the level is Stopped", UpCommand.failure(json.readTree("{\"state\": \"Stopped\", \"desiredRevision\": 2}"), 2));
    }
}
