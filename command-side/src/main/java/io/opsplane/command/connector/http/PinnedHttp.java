package io.opsplane.command.connector.http;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request to an address resolved (and checked by {@link TargetGuard}) beforehand: the connection goes to
 * that address, while the {@code Host} header, TLS SNI and certificate check use the URL's host name. Nothing resolves
 * the name again between the check and the connection. Only the status code of the answer is read.
 */
public final class PinnedHttp {

    private PinnedHttp() {
    }

    /**
     * @param headers values must not contain line breaks (callers validate them before)
     * @param body    {@code null} for none
     * @return the status code of the answer
     * @throws java.net.SocketTimeoutException when connecting or the answer takes longer than {@code timeout}
     */
    public static int send(String method, URI url, InetAddress address, Map<String, String> headers, byte[] body,
                           Duration timeout) throws IOException {
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
        String host = url.getHost();
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(address, port), millis);
            socket.setSoTimeout(millis);
            if (https) {
                socket = tls(socket, host, port);
            }
            OutputStream out = socket.getOutputStream();
            out.write(head(method, url, host, headers, body).getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return status(socket.getInputStream());
        } finally {
            socket.close();
        }
    }

    private static Socket tls(Socket plain, String host, int port) throws IOException {
        SSLSocket socket;
        try {
            socket = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket(plain, host, port, true);
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no TLS available", e);
        }
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!host.startsWith("[") && !host.matches("[0-9.]+")) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static String head(String method, URI url, String host, Map<String, String> headers, byte[] body) {
        String target = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            target += "?" + url.getRawQuery();
        }
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(url.getPort() > 0 ? ":" + url.getPort() : "").append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((name, value) -> {
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || name.indexOf(':') >= 0) {
                throw new IllegalArgumentException("a header value must not contain a line break");
            }
            head.append(name).append(": ").append(value).append("\r\n");
        });
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    /** The status code of the status line, e.g. 200 of {@code HTTP/1.1 200 OK}. */
    private static int status(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n' && line.size() < 1024) {
            line.write(b);
        }
        String[] parts = line.toString(StandardCharsets.ISO_8859_1).trim().split(" ", 3);
        if (parts.length < 2 || !parts[0].toUpperCase(Locale.ROOT).startsWith("HTTP/") || !parts[1].matches("[1-5][0-9][0-9]")) {
            throw new IOException("the answer is not HTTP");
        }
        return Integer.parseInt(parts[1]);
    }
}
