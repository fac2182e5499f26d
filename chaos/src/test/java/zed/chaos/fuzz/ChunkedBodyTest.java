package zed.chaos.fuzz;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChunkedBodyTest {
    static final ApiRequest.Node NODE = new ApiRequest.Node(4242, "tok", "/tmp/a-much-longer-directory");

    static String wireBody(String body, String te) {
        ApiRequest r = new ApiRequest("PUT", "/v1/levels/x", List.of(new ApiRequest.Header("Transfer-Encoding", te)), body.getBytes(StandardCharsets.US_ASCII));
        return new String(r.filledBody(NODE), StandardCharsets.US_ASCII);
    }

    @Test
    void aWellFramedChunkKeepsItsFramingAndExtensionOnceFilled() {
        assertEquals("24;ext=1\r\n{\"dir\":\"/tmp/a-much-longer-directory\r\n6;ext=1\r\n/web\"}\r\n0\r\n\r\n",
                wireBody("f;ext=1\r\n{\"dir\":\"__DIR__\r\n6;ext=1\r\n/web\"}\r\n0\r\n\r\n", "chunked"));
    }

    @Test
    void fuzzRegression038GoesOutWellFramed() {
        String filled = wireBody("d\r\n{\"d\":\"__DIR__\r\n2\r\n\"}\r\n0\r\n\r\n", "chunked");
        assertEquals("22\r\n{\"d\":\"/tmp/a-much-longer-directory\r\n2\r\n\"}\r\n0\r\n\r\n", filled);
    }

    @Test
    void aMalformedChunkSizeStaysMalformed() {
        assertEquals("zz\r\n/tmp/a-much-longer-directory\r\n0\r\n\r\n", wireBody("zz\r\n__DIR__\r\n0\r\n\r\n", "chunked"));
    }
}
