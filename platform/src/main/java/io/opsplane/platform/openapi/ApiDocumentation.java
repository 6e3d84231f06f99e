package io.opsplane.platform.openapi;

import io.opsplane.platform.auth.AuthenticatedKey;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import java.util.List;

/**
 * What both applications' OpenAPI documents share, so that each side's document (springdoc, at
 * {@code /v3/api-docs/command} or {@code /v3/api-docs/query}) describes the API as a client meets
 * it: sent keys as security schemes, never the server-resolved {@link AuthenticatedKey} as a
 * parameter, the problem document as a schema and the problem codes each operation can answer
 * ({@link ProblemResponses}). The document at the base URL is the two merged
 * ({@link MergedApiDocument}, ADR 0006).
 */
@Configuration(proxyBeanMethods = false)
@Import(MergedApiDocument.class)
public class ApiDocumentation {

    /** {@code Authorization: Bearer <key>}. */
    public static final String BEARER_SCHEME = "bearerKey";
    /** {@code X-API-Key: <key>}. */
    public static final String HEADER_SCHEME = "apiKeyHeader";
    /** The component name of the problem document. */
    public static final String PROBLEM_SCHEMA = "Problem";

    static {
        // Resolved by the server from the sent key (AuthenticatedKeyArgumentResolver); a client never sends it.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(AuthenticatedKey.class);
    }

    @Bean
    OpenAPI opsplaneOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Opsplane API").version("v1").description("""
                        Tools, executions, approvals and API keys of Opsplane, both sides behind one base URL. \
                        Every /v1 operation needs an API key, sent as `Authorization: Bearer <key>` or \
                        `X-API-Key: <key>`; errors are application/problem+json with a stable `code`."""))
                .servers(List.of(new Server().url("/").description("the base URL")))
                .components(new Components()
                        .addSecuritySchemes(BEARER_SCHEME, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").description("the API key as a bearer token"))
                        .addSecuritySchemes(HEADER_SCHEME, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-API-Key").description("the API key in a header"))
                        .addSchemas(PROBLEM_SCHEMA, problemSchema()))
                // Either scheme will do: two requirements are alternatives.
                .addSecurityItem(new SecurityRequirement().addList(BEARER_SCHEME))
                .addSecurityItem(new SecurityRequirement().addList(HEADER_SCHEME));
    }

    @Bean
    OperationCustomizer problemResponses() {
        return ProblemResponses::describe;
    }

    private static Schema<?> problemSchema() {
        Schema<?> fieldError = new ObjectSchema()
                .addProperty("path", new StringSchema().description("a JSON Pointer into the request body or the tool's input"))
                .addProperty("message", new StringSchema());
        return new ObjectSchema()
                .description("RFC 9457 problem details; `code` is stable and is what clients should branch on")
                .addProperty("type", new StringSchema().format("uri").description("https://opsplane.io/problems/<code>"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema().description("a sentence for humans"))
                .addProperty("code", new StringSchema().description("the problem code; each response lists its codes"
                        + " in x-problem-codes"))
                .addProperty("errors", new ArraySchema().items(fieldError).description("with invalid_input: every field in error"))
                .addProperty("parameter", new StringSchema().description("with invalid_parameter: the parameter at fault"))
                .addProperty("correlationId", new StringSchema().description("with internal_error: quote it when reporting"))
                .required(List.of("type", "title", "status", "code"));
    }
}
