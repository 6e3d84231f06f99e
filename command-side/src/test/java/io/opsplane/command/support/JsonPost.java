package io.opsplane.command.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A JSON {@code POST} to a command side under test, as the HTTP tests send them. */
public final class JsonPost {

    private JsonPost() {
    }

    /**
     * Posts {@code body} to {@code base + path}, with the key as a bearer token unless it is {@code null}, and the
     * given extra headers as name, value pairs.
     */
    public static HttpResponse<String> send(HttpClient http, String base, String path, String key, String body,
                                            String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
