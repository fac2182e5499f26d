package zed.actors.telemetry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Scrapes a node's /metrics over real HTTP and reads the Prometheus text format back. */
final class Scrape {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One exported line: {@code name{labels} value}. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** One scrape: the body and its samples. */
    record Page(String body, List<Sample> samples) {
        /** The value of the sample with exactly these labels, if exported. */
        OptionalDouble value(String name, String... labels) {
            Map<String, String> want = labels(labels);
            for (Sample s : samples) if (s.name().equals(name) && s.labels().equals(want)) return OptionalDouble.of(s.value());
            return OptionalDouble.empty();
        }

        boolean has(String name, double value, String... labels) {
            OptionalDouble v = value(name, labels);
            return v.isPresent() && v.getAsDouble() == value;
        }

        void assertValue(double expected, String name, String... labels) {
            OptionalDouble v = value(name, labels);
            if (v.isEmpty()) fail(name + labels(labels) + " is not exported:\n" + body);
            assertEquals(expected, v.getAsDouble(), 1e-9, name + labels(labels) + "\n" + body);
        }

        void assertValue(double expected, double tolerance, String name, String... labels) {
            OptionalDouble v = value(name, labels);
            if (v.isEmpty()) fail(name + labels(labels) + " is not exported:\n" + body);
            assertEquals(expected, v.getAsDouble(), tolerance, name + labels(labels) + "\n" + body);
        }

        boolean mentions(String name, String label, String value) {
            return samples.stream().anyMatch(s -> s.name().equals(name) && value.equals(s.labels().get(label)));
        }
    }

    static Map<String, String> labels(String... kv) {
        if (kv.length % 2 != 0) throw new IllegalArgumentException("labels come in pairs");
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static Page page(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = get(uri);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("content-type").orElse(""));
        return new Page(r.body(), parse(r.body()));
    }

    /**
     * Scrapes until {@code until} holds or the deadline passes (Kamon hands values to the reporter on its tick, so
     * they show a tick after they were recorded); a short pause between scrapes.
     */
    static Page await(URI uri, Duration within, Predicate<Page> until) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        Page last;
        do {
            last = page(uri);
            if (until.test(last)) return last;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        } while (System.nanoTime() < deadline);
        return fail("the metrics did not show what was recorded within " + within + ":\n" + last.body());
    }

    static List<Sample> parse(String body) {
        List<Sample> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                String inside = line.substring(brace + 1, line.lastIndexOf('}'));
                int i = 0;
                while (i < inside.length()) {
                    int eq = inside.indexOf('=', i);
                    int open = eq + 1;
                    if (inside.charAt(open) != '"') throw new IllegalArgumentException("unquoted label in " + line);
                    int close = inside.indexOf('"', open + 1);
                    labels.put(inside.substring(i, eq), inside.substring(open + 1, close));
                    i = close + 1;
                    if (i < inside.length() && inside.charAt(i) == ',') i++;
                }
            } else {
                name = line.substring(0, space);
            }
            String v = line.substring(space + 1);
            out.add(new Sample(name, labels, v.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v)));
        }
        return out;
    }
}
