package zed.chaos.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every call of the API, made right, as the fuzzer's requests start before they are mutated: the levels the node
 * has (a parent and a child that reads its port), the ids pushes may create (two more, so that the node stays
 * small), ids it never had, and bodies a client sends. Pushed Zedfiles declare a dataset and services that run
 * {@code /bin/sleep}: nothing a mutation of them can turn into a command that changes the host. Pure.
 */
public final class ApiCalls {
    public static final String PARENT = "fuzz";
    public static final String CHILD = "fuzz/app";
    /** The ids a push may create or change. */
    public static final List<String> PUSHED = List.of(PARENT, CHILD, "fuzz/web", "solo");
    /** Ids the node never accepted, valid and not. */
    static final List<String> UNKNOWN = List.of("nope", "fuzz/nope", "fuzz/app/deeper");
    static final List<String> TARGETS = List.of("@latest", "@rev:1", "@rev:2", "@rev:0", "@rev:-1", "@rev:99999999999999999999", "bogus", "", "@", "@rev:",
            "../../etc", "zed-deploy-1");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiCalls() {
    }

    /** The Zedfile pushed to {@code id}: named after the id's last name, a child reading its parent's port. */
    public static String source(String id) {
        String name = id.substring(id.lastIndexOf('/') + 1);
        boolean child = id.contains("/");
        return "level \"" + name + "\" {}\n\n"
                + "update {\n  min_healthy_time = \"500ms\"\n  healthy_deadline = \"1m\"\n}\n\n"
                + "dataset \"" + name + "-data\" {\n  properties = { compression = \"on\" }\n}\n\n"
                + "service \"exec\" \"" + name + "\" {\n"
                + "  dataset = \"" + name + "-data\"\n"
                + "  vars    = { port = net::pickport(), workers = 2 * 2 }\n"
                + "  env     = { PORT = self.vars.port" + (child ? ", DB = service.exec.fuzz.vars.port" : "") + ", NAME = \"${self.name}-${self.vars.workers}\" }\n"
                + "  runtime { cmd = [\"/bin/sleep\", \"300\"] }\n"
                + "}\n";
    }

    /** The body of a push of {@code id}'s Zedfile, from a directory under the node's state. */
    public static byte[] push(String id) {
        ObjectNode o = JSON.createObjectNode();
        o.put("source", source(id));
        o.put("dir", ApiRequest.DIR + "/levels/" + id);
        if (id.contains("/")) o.put("parent", id.substring(0, id.lastIndexOf('/')));
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The path of a level's call: its id as a path or in one segment, encoded. */
    static String path(String id, boolean encoded, String action) {
        return "/v1/levels/" + (encoded ? id.replace("/", "%2F") : id) + (action == null ? "" : "/" + action);
    }

    static ApiRequest get(String target) {
        return new ApiRequest("GET", target, List.of(host(), auth()), new byte[0]);
    }

    static ApiRequest send(String method, String target, byte[] body) {
        return new ApiRequest(method, target, List.of(host(), auth(), new ApiRequest.Header("Content-Type", "application/json")), body);
    }

    static ApiRequest.Header host() {
        return new ApiRequest.Header("Host", "127.0.0.1:" + ApiRequest.PORT);
    }

    static ApiRequest.Header auth() {
        return new ApiRequest.Header("Authorization", "Bearer " + ApiRequest.TOKEN);
    }

    /** Every call, for the ids given; {@code pick} chooses among them. */
    static ApiRequest call(int kind, String id, boolean encoded, int pick) {
        return switch (kind) {
            case 0 -> new ApiRequest("GET", "/v1/health", List.of(host()), new byte[0]);
            case 1 -> get("/v1/levels");
            case 2 -> get(path(id, encoded, null));
            case 3 -> get(path(id, encoded, "plan"));
            case 4, 5, 6 -> send("PUT", path(id, encoded, null), push(PUSHED.contains(id) ? id : PUSHED.get(pick % PUSHED.size())));
            case 7 -> send("POST", path(id, encoded, "rollback"), ("{\"target\": \"" + TARGETS.get(pick % TARGETS.size()) + "\"}").getBytes(StandardCharsets.UTF_8));
            case 8 -> send("POST", path(id, encoded, "sudo"), "{}".getBytes(StandardCharsets.UTF_8));
            case 9 -> send("DELETE", path(id, encoded, null) + List.of("", "?cascade=true", "?destroy=true", "?cascade=true&destroy=true").get(pick % 4), new byte[0]);
            default -> {
                List<String> qs = new ArrayList<>(List.of("", "?level=" + PARENT, "?level=" + PARENT + "&children=true", "?level=" + CHILD));
                ApiRequest r = get("/v1/events" + qs.get(pick % qs.size()));
                yield pick % 3 == 0 ? r.plusHeader("Last-Event-ID", String.valueOf(pick % 7)) : r;
            }
        };
    }

    static final int KINDS = 11;
}
