package io.opsplane.command.connector.resend;

import com.resend.core.net.AbstractHttpResponse;
import com.resend.core.net.HttpMethod;
import com.resend.core.net.IHttpClient;
import com.resend.core.net.RequestOptions;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

/**
 * The HTTP transport under Resend's official client, on the same OkHttp the client ships with.
 * It exists because the client's own transport hard-codes {@code https://api.resend.com}, and the
 * contract requires the base URL to be configurable; everything else (request models, JSON,
 * response parsing, errors) stays the client's.
 */
final class ResendTransport implements IHttpClient<String> {

    private static final String USER_AGENT = "opsplane-resend-connector/1.0";

    private final String baseUrl;
    private final OkHttpClient http;

    ResendTransport(String baseUrl, Duration readTimeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(readTimeout)
                .retryOnConnectionFailure(false)
                .build();
    }

    @Override
    public AbstractHttpResponse<String> perform(String path, String apiKey, HttpMethod method, String payload,
                                                MediaType mediaType) {
        return perform(path, apiKey, method, payload, mediaType, (RequestOptions) null);
    }

    @Override
    public AbstractHttpResponse<String> perform(String path, String apiKey, HttpMethod method, String payload,
                                                MediaType mediaType, Map<String, String> headers) {
        return perform(path, apiKey, method, payload, mediaType, RequestOptions.builder().addAll(headers).build());
    }

    @Override
    public AbstractHttpResponse<String> perform(String path, String apiKey, HttpMethod method, String payload,
                                                MediaType mediaType, RequestOptions options) {
        RequestBody body = payload == null ? null : RequestBody.create(payload, mediaType);
        Request.Builder request = new Request.Builder()
                .url(baseUrl + path)
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT)
                .header("Authorization", "Bearer " + apiKey)
                .method(method.name(), body);
        if (options != null) {
            if (options.getIdempotencyKey() != null && !options.getIdempotencyKey().isEmpty()) {
                request.header("Idempotency-Key", options.getIdempotencyKey());
            }
            if (options.getAdditionalHeaders() != null) {
                options.getAdditionalHeaders().forEach(request::header);
            }
        }
        try (Response response = http.newCall(request.build()).execute()) {
            ResponseBody responseBody = response.body();
            String text = responseBody == null ? "" : responseBody.string();
            return new AbstractHttpResponse<>(response.code(), text, response.isSuccessful());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public AbstractHttpResponse<String> performMultipart(String path, String apiKey, HttpMethod method, File file,
                                                         MediaType mediaType, Map<String, String> fields) {
        throw new UnsupportedOperationException("the email tools send no files");
    }

    @Override
    public AbstractHttpResponse<String> performMultipart(String path, String apiKey, HttpMethod method, File file,
                                                         MediaType mediaType, Map<String, String> fields,
                                                         RequestOptions options) {
        throw new UnsupportedOperationException("the email tools send no files");
    }

    @Override
    public AbstractHttpResponse<String> performMultipart(String path, String apiKey, HttpMethod method, byte[] bytes,
                                                         String fileName, MediaType mediaType, Map<String, String> fields) {
        throw new UnsupportedOperationException("the email tools send no files");
    }

    @Override
    public AbstractHttpResponse<String> performMultipart(String path, String apiKey, HttpMethod method, byte[] bytes,
                                                         String fileName, MediaType mediaType, Map<String, String> fields,
                                                         RequestOptions options) {
        throw new UnsupportedOperationException("the email tools send no files");
    }
}
