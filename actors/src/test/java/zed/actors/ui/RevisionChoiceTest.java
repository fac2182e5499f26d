package zed.actors.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Rollback page's choices: every kept revision but the one the level wants now, newest first. */
class RevisionChoiceTest {
    @Test
    void everyKeptRevisionButTheDesiredOne() throws Exception {
        var revisions = new ObjectMapper().readTree("""
                {"level":"shop","revision":3,"desiredRevision":2,"stableRevision":1,"revisions":[
                 {"revision":3,"filename":"Zedfile","dir":"/srv/shop","source":"x"},
                 {"revision":2,"filename":"Zedfile","dir":"/srv/shop","source":"y"},
                 {"revision":1,"filename":"Zedfile","dir":"/srv/shop","source":"z"}]}""");
        assertEquals(List.of(new RevisionChoice(3, "@rev:3", "Zedfile", "newest"), new RevisionChoice(1, "@rev:1", "Zedfile", "stable")),
                RevisionChoice.of(revisions));
    }
}
