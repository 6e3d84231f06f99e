package io.opsplane.system;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A deterministic corpus of malformed requests over the operations of OpenAPI documents: bad path segments,
 * undecodable and out-of-range query parameters, bad headers, bodies that are not one JSON value or do not fit
 * the request schema, broken chunking and bad request lines. Every request is written as raw bytes, so the corpus
 * can hold what an HTTP client library would refuse to send.
 */
final class MalformedRequests {

    /**
     * One request of the corpus: what it tries, and its bytes.
     *
     * @param incomplete the request never completes its head, so the server can only close the connection
     */
    record Probe(String description, String method, byte[] bytes, boolean incomplete) {

        Probe(String description, String method, byte[] bytes) {
            this(description, method, bytes, false);
        }

        /** Sent without an HTTP version: HTTP/0.9, whose answer is a body without status line or headers. */
        boolean http09() {
            String text = new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.ISO_8859_1);
            String requestLine = text.contains("\r\n") ? text.substring(0, text.indexOf("\r\n")) : text;
            return requestLine.split(" ").length == 2;
        }
    }

    /** One operation of an OpenAPI document. */
    record Operation(String method, String pathTemplate, List<String> queryParameters, JsonNode bodySchema) {
    }

    private static final List<String> BAD_SEGMENTS = List.of("%2F", "%00", "%ff", "..%2F", "%2e%2e", "a%2Fb",
            "%ED%A0%80", "x;y=1", "%25", "%C0%AE", "%", "%zz", "..", ".", "%5B%5D", "%0d%0a", "a".repeat(3000));
    private static final List<String> BAD_VALUES = List.of("%ff", "%ED%A0%80", "%zz", "%", "%E2%82", "a[b]", "]",
            "-1", "999999999999999999999999", "1.5", "abc", "", "%00", "x".repeat(5000), "%2B1", "1e3", "0x10",
            "2026-13-45T99:99:99Z", "%C0%80", "+", "\u00e9", "null", "[]");
    private static final List<String> BAD_NAMES = List.of("a[b]", "%", "%ff", "[", "%ED%A0%80", "a]", "=", "&&");
    private static final List<String> BAD_BODIES = List.of("[", "[1,2", "{} x", "{}{}", "{\"a\":1,\"a\":2}", "null",
            "5", "\"s\"", "true", "[]", "{\"unknownField\":1}", "{", "}", "{\"tool\":", "\uFEFF{}", "1e999999",
            "{'tool':'x'}", "{\"tool\":\"\\ud800\"}", "{\"tool\":\"x\"}garbage", "NaN", "{\"a\":NaN}", "-",
            "[".repeat(3000) + "]".repeat(3000), "{\"input\":" + "[".repeat(3000) + "]".repeat(3000) + "}",
            "\u0000", "{\"tool\":\"x\",}");
    private static final List<Object> WRONG_TYPED = List.of(5, 1.5, true, "s", List.of(), Map.of(), -1,
            Long.MAX_VALUE);

    private final Random random;
    private final String key;
    private final String host;

    MalformedRequests(long seed, String key, String host) {
        this.random = new Random(seed);
        this.key = key;
        this.host = host;
    }

    List<Probe> over(List<Operation> operations, int perOperation) {
        List<Probe> probes = new ArrayList<>();
        for (Operation operation : operations) {
            List<Probe> all = new ArrayList<>();
            all.addAll(pathProbes(operation));
            all.addAll(queryProbes(operation));
            all.addAll(headerProbes(operation));
            if (!operation.method().equals("GET") && !operation.method().equals("HEAD")
                    && !operation.method().equals("DELETE")) {
                all.addAll(bodyProbes(operation));
                all.addAll(framingProbes(operation));
            }
            all.addAll(requestLineProbes(operation));
            java.util.Collections.shuffle(all, random);
            probes.addAll(all.subList(0, Math.min(perOperation, all.size())));
        }
        return probes;
    }

    private List<Probe> pathProbes(Operation operation) {
        List<Probe> probes = new ArrayList<>();
        if (!operation.pathTemplate().contains("{")) {
            for (String suffix : List.of("/%2F", "/..%2F..%2Factuator", ";x=1", "%00", "/%ff", "//", "/.", "/%2e%2e/")) {
                probes.add(request(operation, operation.pathTemplate() + suffix, defaultBody(operation), "path suffix " + suffix));
            }
            return probes;
        }
        for (String segment : BAD_SEGMENTS) {
            String path = operation.pathTemplate().replaceAll("\\{[^}]+}", segment);
            probes.add(request(operation, path, defaultBody(operation), "path segment " + abbreviate(segment)));
        }
        return probes;
    }

    private List<Probe> queryProbes(Operation operation) {
        List<Probe> probes = new ArrayList<>();
        List<String> names = new ArrayList<>(operation.queryParameters());
        names.add("unknownParameter");
        for (String name : names) {
            for (String value : BAD_VALUES) {
                String query = name + "=" + value;
                probes.add(request(operation, concrete(operation) + "?" + query + waitSuffix(operation, "&"),
                        defaultBody(operation), "query " + abbreviate(query)));
            }
        }
        for (String name : BAD_NAMES) {
            probes.add(request(operation, concrete(operation) + "?" + name + "=1", defaultBody(operation), "query name " + name));
        }
        return probes;
    }

    private List<Probe> headerProbes(Operation operation) {
        List<Probe> probes = new ArrayList<>();
        String path = concrete(operation) + waitSuffix(operation, "?");
        String body = defaultBody(operation);
        List<String[]> headers = List.of(
                new String[]{"Accept", "text/html"}, new String[]{"Accept", "*/*;q=0"}, new String[]{"Accept", ";;;"},
                new String[]{"Accept", "application/json;q=abc"}, new String[]{"Content-Type", "text/plain"},
                new String[]{"Content-Type", "application/json; charset=latin1"}, new String[]{"Content-Type", "/"},
                new String[]{"Idempotency-Key", ""}, new String[]{"Idempotency-Key", "a b"},
                new String[]{"Idempotency-Key", "k".repeat(300)}, new String[]{"Idempotency-Key", "\u00e9t\u00e9"},
                new String[]{"Last-Event-ID", "-1"}, new String[]{"Last-Event-ID", "abc"},
                new String[]{"Last-Event-ID", "99999999999999999999999"}, new String[]{"X-Big", "v".repeat(20_000)},
                new String[]{"Range", "bytes=0-1"}, new String[]{"If-None-Match", "*"},
                new String[]{"Expect", "100-continue"}, new String[]{"Expect", "nothing"},
                new String[]{"Accept-Charset", "latin1"}, new String[]{"X-Forwarded-For", "::::"});
        for (String[] header : headers) {
            probes.add(raw(operation.method(), path, List.<String[]>of(header), body, "header " + header[0] + ": "
                    + abbreviate(header[1]), true));
        }
        probes.add(raw(operation.method(), path, manyHeaders(), body, "200 headers", true));
        probes.add(raw(operation.method(), path, List.<String[]>of(new String[]{"Authorization", "Bearer " + key + "\u00e9"}), body,
                "key with a non-ASCII byte", false));
        probes.add(raw(operation.method(), path, List.<String[]>of(new String[]{"X-API-Key", ""}), body, "empty X-API-Key", false));
        probes.add(raw(operation.method(), path, List.<String[]>of(new String[]{"Authorization", "Basic Og=="}), body,
                "basic credentials", false));
        probes.add(rawHead(operation.method(), path, "Host: x\r\nAuthorization: Bearer " + key
                + "\r\nX-Folded: a\r\n b\r\nConnection: close\r\n\r\n", "obsolete line folding"));
        probes.add(rawHead(operation.method(), path, "Host: x\r\nAuthorization: Bearer " + key
                + "\r\nNo colon here\r\nConnection: close\r\n\r\n", "header line without a colon"));
        probes.add(rawHead(operation.method(), path, "Host: x\r\nAuthorization: Bearer " + key
                + "\r\nBad Name: v\r\nConnection: close\r\n\r\n", "header name with a space"));
        probes.add(rawHead(operation.method(), path, "Host: x\r\nAuthorization: Bearer " + key
                + "\r\nX-Nul: a\u0000b\r\nConnection: close\r\n\r\n", "NUL in a header value"));
        return probes;
    }

    private List<Probe> bodyProbes(Operation operation) {
        List<Probe> probes = new ArrayList<>();
        String path = concrete(operation) + waitSuffix(operation, "?");
        for (String body : BAD_BODIES) {
            probes.add(raw(operation.method(), path, List.of(), body, "body " + abbreviate(body), true));
        }
        probes.add(rawBytes(operation.method(), path, "{\"tool\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1),
                "body with invalid UTF-8"));
        probes.add(rawBytes(operation.method(), path, new byte[]{'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0,
                (byte) 0x80, '"', '}'}, "body with an encoded lone surrogate"));
        probes.add(raw(operation.method(), path, List.of(), "{\"a\":\"" + "x".repeat(1_100_000) + "\"}", "body over 1 MiB", true));
        if (operation.bodySchema() != null && operation.bodySchema().path("properties").isObject()) {
            Iterator<String> fields = operation.bodySchema().path("properties").fieldNames();
            while (fields.hasNext()) {
                String field = fields.next();
                for (Object value : WRONG_TYPED) {
                    probes.add(raw(operation.method(), path, List.of(), "{\"" + field + "\":" + json(value)
                            + ",\"z" + random.nextInt(1000) + "\":1}", "field " + field + " = " + json(value), true));
                    probes.add(raw(operation.method(), path, List.of(), "{\"" + field + "\":" + json(value) + "}",
                            "field " + field + " = " + json(value) + " alone", true));
                }
                probes.add(raw(operation.method(), path, List.of(), "{\"" + field + "\":[" + json("s") + ",5]}",
                        "field " + field + " = mixed array", true));
            }
        }
        return probes;
    }

    private List<Probe> framingProbes(Operation operation) {
        String start = jsonRequestHead(operation);
        return List.of(
                probe("chunk size not hex", operation, start + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"),
                probe("chunk longer than announced", operation, start + "Transfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n"),
                probe("chunk extension garbage", operation, start + "Transfer-Encoding: chunked\r\n\r\n2;;;=\r\n{}\r\n0\r\n\r\n"),
                probe("huge chunk size", operation, start + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n{}\r\n0\r\n\r\n"),
                probe("unknown transfer coding", operation, start + "Transfer-Encoding: gzip\r\n\r\n{}"),
                probe("content length and chunked", operation, start + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
                probe("two content lengths", operation, start + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{} "),
                probe("content length not a number", operation, start + "Content-Length: abc\r\n\r\n{}"),
                probe("negative content length", operation, start + "Content-Length: -1\r\n\r\n{}"),
                probe("content length shorter than the body", operation, start + "Content-Length: 1\r\n\r\n{}"));
    }

    /**
     * Requests that stop before their end, so that only the server's timeout ends them: generated for one operation
     * only, as each holds a connection until then.
     */
    List<Probe> unfinished(Operation operation) {
        String start = jsonRequestHead(operation);
        return List.of(
                probe("chunked without the last chunk", operation, start + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n"),
                probe("content length longer than the body", operation, start + "Content-Length: 10\r\n\r\n{}"),
                new Probe("head never finished", operation.method(),
                        start.substring(0, start.length() - 2).getBytes(StandardCharsets.ISO_8859_1), true));
    }

    /** The head of an authenticated JSON request to the operation, without its framing headers and blank line. */
    private String jsonRequestHead(Operation operation) {
        return operation.method() + " " + concrete(operation) + waitSuffix(operation, "?") + " HTTP/1.1\r\nHost: " + host
                + "\r\nAuthorization: Bearer " + key + "\r\nContent-Type: application/json\r\nConnection: close\r\n";
    }

    private List<Probe> requestLineProbes(Operation operation) {
        String path = concrete(operation);
        String rest = "\r\nHost: " + host + "\r\nAuthorization: Bearer " + key + "\r\nConnection: close\r\n\r\n";
        return List.of(
                probe("no HTTP version", operation, operation.method() + " " + path + rest),
                probe("unknown HTTP version", operation, operation.method() + " " + path + " HTTP/9.9" + rest),
                probe("lower-case method", operation, operation.method().toLowerCase(Locale.ROOT) + " " + path + " HTTP/1.1" + rest),
                probe("unknown method", operation, "FROB " + path + " HTTP/1.1" + rest),
                probe("absolute-form target", operation, operation.method() + " http://" + host + path + " HTTP/1.1" + rest),
                probe("asterisk target", operation, operation.method() + " * HTTP/1.1" + rest),
                probe("space in the target", operation, operation.method() + " " + path + "/a b HTTP/1.1" + rest),
                probe("control character in the target", operation, operation.method() + " " + path + "\u0001 HTTP/1.1" + rest),
                probe("raw non-ASCII in the target", operation, operation.method() + " " + path + "\u00e9 HTTP/1.1" + rest),
                probe("quote in the target", operation, operation.method() + " " + path + "?a=\"<x>\" HTTP/1.1" + rest),
                probe("backslash in the target", operation, operation.method() + " " + path + "\\..\\x HTTP/1.1" + rest),
                probe("target of 70 KB", operation, operation.method() + " " + path + "?q=" + "a".repeat(70_000) + " HTTP/1.1" + rest),
                probe("tab separators", operation, operation.method() + "\t" + path + "\tHTTP/1.1" + rest),
                probe("bare LF line ends", operation, (operation.method() + " " + path + " HTTP/1.1" + rest).replace("\r\n", "\n")));
    }

    private Probe probe(String description, Operation operation, String text) {
        return new Probe(description, operation.method(), text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private Probe request(Operation operation, String path, String body, String description) {
        return raw(operation.method(), path, List.of(), body, description, true);
    }

    private Probe raw(String method, String path, List<String[]> headers, String body, String description,
                      boolean authenticated) {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
        if (authenticated) {
            head.append("Authorization: Bearer ").append(key).append("\r\n");
        }
        boolean contentType = false;
        for (String[] header : headers) {
            head.append(header[0]).append(": ").append(header[1]).append("\r\n");
            contentType |= header[0].equalsIgnoreCase("Content-Type");
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null && !contentType) {
            head.append("Content-Type: application/json\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        return new Probe(method + " " + abbreviate(path) + ": " + description, method,
                concat(head.toString().getBytes(StandardCharsets.UTF_8), bytes));
    }

    private Probe rawHead(String method, String path, String headers, String description) {
        return new Probe(method + " " + abbreviate(path) + ": " + description, method,
                (method + " " + path + " HTTP/1.1\r\n" + headers).getBytes(StandardCharsets.UTF_8));
    }

    private Probe rawBytes(String method, String path, byte[] body, String description) {
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        return new Probe(method + " " + abbreviate(path) + ": " + description, method,
                concat(head.getBytes(StandardCharsets.UTF_8), body));
    }

    private static List<String[]> manyHeaders() {
        List<String[]> headers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            headers.add(new String[]{"X-Many-" + i, "v" + i});
        }
        return headers;
    }

    /** The path with each placeholder filled by an id that exists nowhere. */
    private String concrete(Operation operation) {
        return operation.pathTemplate().replaceAll("\\{[^}]+}", "fuzz" + Integer.toHexString(random.nextInt()));
    }

    /** Executions that might be valid must not hold the fuzz for the default ten seconds. */
    private static String waitSuffix(Operation operation, String separator) {
        return operation.method().equals("POST") && operation.queryParameters().contains("wait") ? separator + "wait=0" : "";
    }

    /** A body for requests whose subject is not the body: an object no endpoint accepts as it is. */
    private static String defaultBody(Operation operation) {
        return operation.method().equals("GET") || operation.method().equals("HEAD") || operation.method().equals("DELETE")
                ? null : "{\"fuzz\":true}";
    }

    private static String json(Object value) {
        if (value instanceof String s) {
            return "\"" + s + "\"";
        }
        if (value instanceof List<?>) {
            return "[]";
        }
        if (value instanceof Map<?, ?>) {
            return "{}";
        }
        return String.valueOf(value);
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 40) + "...(" + text.length() + " chars)" : text;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
