package io.opsplane.system;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests {@link java.net.http.HttpClient} refuses to send or
 * would normalise: the request target goes on the wire byte for byte as given ({@link #send}), or the
 * whole request does, bad request lines, broken chunking and conflicting lengths included
 * ({@link #exchange}).
 */
final class RawHttp {

    private static final int TIMEOUT_MILLIS = 30_000;

    private RawHttp() {
    }

    record Response(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Sends one request with {@code Connection: close} and reads the whole answer. */
    static Response send(String baseUrl, String method, String rawTarget, Map<String, String> headers, String body)
            throws IOException {
        URI base = URI.create(baseUrl);
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder()
                .append(method).append(' ').append(rawTarget).append(" HTTP/1.1\r\n")
                .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            request.append("Content-Type: application/json\r\n").append("Content-Length: ").append(content.length)
                    .append("\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            return read(socket.getInputStream());
        }
    }

    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String raw = all.toString(StandardCharsets.ISO_8859_1);
        int headerEnd = raw.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            throw new IOException("no complete response head: " + raw);
        }
        String[] lines = raw.substring(0, headerEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String body = raw.substring(headerEnd + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            body.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
        }
        return body.toString();
    }

    /**
     * What came back; {@code status} is -1 when the server closed the connection without answering, and 0 for an
     * HTTP/0.9 answer (a body without status line or headers).
     */
    record Answer(int status, Map<String, String> headers, byte[] body, boolean timedOut) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Sends the bytes and reads one answer. A response that announces {@code text/event-stream} is taken as
     * answered once its head arrived (the stream itself never ends).
     */
    static Answer exchange(int port, byte[] request, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The server may refuse before reading everything (a too large head); read what it answered.
            }
            InputStream in = socket.getInputStream();
            try {
                in = new java.io.BufferedInputStream(in);
                in.mark(8);
                byte[] start = in.readNBytes(5);
                in.reset();
                if (start.length == 0) {
                    return new Answer(-1, Map.of(), new byte[0], false);
                }
                if (!new String(start, StandardCharsets.ISO_8859_1).equals("HTTP/")) {
                    return new Answer(0, Map.of(), in.readAllBytes(), false);
                }
                String head = readHead(in);
                String[] lines = head.split("\r\n");
                String[] statusLine = lines[0].split(" ", 3);
                int status = statusLine.length > 1 ? parseStatus(statusLine[1]) : -1;
                Map<String, String> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0) {
                        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                lines[i].substring(colon + 1).trim());
                    }
                }
                boolean head4 = new String(request, 0, Math.min(5, request.length), StandardCharsets.ISO_8859_1)
                        .startsWith("HEAD ");
                if (headers.getOrDefault("content-type", "").startsWith("text/event-stream")
                        || status == 204 || status == 304 || head4) {
                    return new Answer(status, headers, new byte[0], false);
                }
                byte[] body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? readChunked(in)
                        : headers.containsKey("content-length") ? in.readNBytes(Integer.parseInt(headers.get("content-length")))
                        : in.readAllBytes();
                return new Answer(status, headers, body, false);
            } catch (SocketTimeoutException e) {
                return new Answer(-1, Map.of(), new byte[0], true);
            } catch (IOException e) {
                return new Answer(-1, Map.of(), new byte[0], false);
            }
        }
    }

    private static int parseStatus(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            int n = head.size();
            if (b == '\n' && n >= 4) {
                byte[] bytes = head.toByteArray();
                if (bytes[n - 2] == '\r' && bytes[n - 3] == '\n' && bytes[n - 4] == '\r') {
                    String text = new String(bytes, StandardCharsets.ISO_8859_1);
                    if (text.startsWith("HTTP/1.1 100")) {
                        head.reset();
                        continue;
                    }
                    return text.substring(0, text.length() - 4);
                }
            }
        }
        return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null || sizeLine.isBlank()) {
                return body.toByteArray();
            }
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
