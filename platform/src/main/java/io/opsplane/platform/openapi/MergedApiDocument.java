package io.opsplane.platform.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.core.util.Yaml;
import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The OpenAPI document of the whole API, both sides' operations in one, served by both sides at
 * the base URL's {@code /v3/api-docs} (and as YAML) so that it does not matter which side a router
 * sends the request to. It is generated from the two sides' own documents and kept in this module;
 * {@code ApiDocumentTest} in system-tests fails when it no longer equals what the sides generate
 * and rewrites it with {@code -Dopsplane.openapi.update=true} (ADR 0006).
 */
@Hidden
@RestController
class MergedApiDocument {

    /** Where the merged document lives on the class path. */
    static final String RESOURCE = "opsplane-openapi.json";
    private static final MediaType YAML = MediaType.parseMediaType("application/vnd.oai.openapi");

    private final byte[] json;
    private final byte[] yaml;

    MergedApiDocument() {
        try (InputStream in = MergedApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the merged OpenAPI document " + RESOURCE + " is missing");
            }
            json = in.readAllBytes();
            JsonNode document = Json.mapper().readTree(json);
            yaml = Yaml.pretty().writeValueAsString(document).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the merged OpenAPI document " + RESOURCE + " is not JSON", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GetMapping(path = "/v3/api-docs", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> json() {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json);
    }

    @GetMapping(path = "/v3/api-docs.yaml", produces = "application/vnd.oai.openapi")
    ResponseEntity<byte[]> yaml() {
        return ResponseEntity.ok().contentType(YAML).body(yaml);
    }
}
