package zed.chaos.fuzz;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The API oracle catches what it is there for; a fuzzer with an oracle that passes everything finds nothing. */
class ApiOracleTest {
    static final ApiRequest LIST = ApiCalls.get("/v1/levels");
    static final ApiRequest PUSH = ApiCalls.send("PUT", "/v1/levels/fuzz", ApiCalls.push("fuzz"));

    static Wire.Answer answer(int status, String type, String body) {
        return new Wire.Answer(status, Map.of("content-type", type), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRightAnswerPasses() {
        assertEquals(List.of(), ApiOracle.faults(LIST, answer(200, "application/json", "{\"levels\": []}")));
        assertEquals(List.of(), ApiOracle.faults(LIST, answer(404, "application/json", "{\"errors\": [{\"message\": \"no such level\"}]}")));
        assertEquals(List.of(), ApiOracle.faults(PUSH, answer(400, "application/json",
                "{\"errors\": [{\"file\": \"/srv/fuzz/Zedfile\", \"line\": 3, \"col\": 7, \"message\": \"unknown function\"}]}")));
        assertEquals(List.of(), ApiOracle.faults(LIST.withMethod("HEAD"), answer(405, "application/json", "")), "a HEAD answer has no body");
    }

    @Test
    void noAnswerA5xxOrA4xxThatIsNotJsonErrorsIsAFault() {
        assertFalse(ApiOracle.faults(LIST, new Wire.Hung(Duration.ofSeconds(30), "")).isEmpty());
        assertFalse(ApiOracle.faults(LIST, new Wire.Dropped("reset")).isEmpty());
        assertFalse(ApiOracle.faults(LIST, answer(503, "application/json", "{\"errors\": [{\"message\": \"try again\"}]}")).isEmpty());
        assertFalse(ApiOracle.faults(LIST, answer(400, "text/plain", "Illegal request-target")).isEmpty());
        assertFalse(ApiOracle.faults(LIST, answer(404, "application/json", "{\"errors\": []}")).isEmpty());
        assertFalse(ApiOracle.faults(LIST, answer(404, "application/json", "{\"errors\": [{\"message\": \" \"}]}")).isEmpty());
    }

    @Test
    void aZedfileErrorOutsideThePushedFileIsAFault() {
        int lines = ApiCalls.source("fuzz").split("\n", -1).length;
        assertFalse(ApiOracle.faults(PUSH, answer(400, "application/json",
                "{\"errors\": [{\"file\": \"<none>\", \"line\": 0, \"col\": 0, \"message\": \"could not be evaluated\"}]}")).isEmpty());
        assertFalse(ApiOracle.faults(PUSH, answer(400, "application/json",
                "{\"errors\": [{\"file\": \"/srv/fuzz/Zedfile\", \"line\": " + (lines + 1) + ", \"col\": 1, \"message\": \"m\"}]}")).isEmpty());
    }

    @Test
    void a2xxToARequestTheGuardRefusesIsAFault() {
        Wire.Answer ok = answer(200, "application/json", "{\"levels\": []}");
        assertFalse(ApiOracle.faults(LIST.withHeader("Authorization", null), ok).isEmpty(), "no token");
        assertFalse(ApiOracle.faults(LIST.withHeader("Authorization", "Bearer wrong"), ok).isEmpty(), "a wrong token");
        assertFalse(ApiOracle.faults(LIST.withHeader("Host", "evil.example.com"), ok).isEmpty(), "a rebound host name");
        assertFalse(ApiOracle.faults(LIST.plusHeader("Origin", "http://evil.example.com"), ok).isEmpty(), "a foreign origin");
        assertFalse(ApiOracle.faults(PUSH.withHeader("Content-Type", "text/plain"), ok).isEmpty(), "a change not sent as JSON");
        assertEquals(List.of(), ApiOracle.faults(ApiCalls.call(0, "fuzz", false, 0), answer(200, "application/json", "{\"status\": \"ok\"}")),
                "the health check needs no token");
        ApiRequest nonce = ApiCalls.send("POST", "/ui/login/ssh/nonce", "{}".getBytes(StandardCharsets.UTF_8)).withHeader("Authorization", null);
        assertEquals(List.of(), ApiOracle.faults(nonce, answer(200, "application/json", "{\"nonce\": \"ab\"}")), "the SSH-key login needs no token");
        assertFalse(ApiOracle.faults(nonce.withMethod("PUT"), answer(200, "application/json", "{}")).isEmpty(), "only its POST is open");
        assertEquals(List.of(), ApiOracle.faults(LIST.plusHeader("Origin", "http://localhost:" + ApiRequest.PORT), ok), "the node's own origin");
    }
}
