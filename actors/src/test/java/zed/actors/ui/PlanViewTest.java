package zed.actors.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Plan and Rollback pages' model of a plan, from the API's JSON (the shape docs/node.md shows). */
class PlanViewTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    @Test
    void eachChangedResourcePropertyByPropertyAndTheUnchangedCounted() throws Exception {
        PlanView v = PlanView.of(json("""
                {'level':'shop','revision':1,'planHash':'sha256:ab','changed':true,'resources':[
                 {'kind':'level','name':'shop','action':'unchanged','properties':[]},
                 {'kind':'dataset','name':'data','action':'change','properties':[{'property':'properties.com.acme:tier','before':'silver','after':'gold'}]},
                 {'kind':'dataset','name':'cache','action':'create','properties':[{'property':'quota','after':'1G'},{'property':'keep','after':3}]},
                 {'kind':'service','name':'exec.old','action':'remove','properties':[{'property':'env.A','before':{'$secret':[{'slot':'db'}]}}]}],
                 'source':{'diff':['--- a/Zedfile','+++ b/Zedfile','@@ -1,2 +1,2 @@',' level','-a','+b']}}"""));
        assertEquals(1, v.revision());
        assertEquals("sha256:ab", v.planHash());
        assertTrue(v.changed());
        assertEquals("1 created, 1 changed, 1 removed, 1 unchanged", v.counts());
        assertEquals(List.of("dataset data", "dataset cache", "service exec.old"), v.resources().stream().map(PlanView.Resource::title).toList());
        assertEquals(List.of("changed", "created", "removed"), v.resources().stream().map(PlanView.Resource::done).toList());
        assertEquals(new PlanView.Property("properties.com.acme:tier", "silver", "gold"), v.resources().get(0).properties().get(0));
        // a create has no old value, a remove no new one; a value that is not a string shows as its JSON
        assertEquals(new PlanView.Property("quota", PlanView.NONE, "1G"), v.resources().get(1).properties().get(0));
        assertEquals(new PlanView.Property("keep", PlanView.NONE, "3"), v.resources().get(1).properties().get(1));
        assertEquals(new PlanView.Property("env.A", "{\"$secret\":[{\"slot\":\"db\"}]}", PlanView.NONE), v.resources().get(2).properties().get(0));
        assertFalse(v.source().empty());
    }

    @Test
    void aPlanThatChangesNothing() throws Exception {
        PlanView v = PlanView.of(json("{'revision':2,'planHash':'sha256:cd','changed':false,'resources':[{'kind':'level','name':'shop','action':'unchanged','properties':[]}],'source':{'diff':[]}}"));
        assertFalse(v.changed());
        assertEquals(List.of(), v.resources());
        assertEquals("0 created, 0 changed, 0 removed, 1 unchanged", v.counts());
        assertTrue(v.source().empty());
    }
}
