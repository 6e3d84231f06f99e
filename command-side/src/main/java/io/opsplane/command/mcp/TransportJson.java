package io.opsplane.command.mcp;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.IOException;

/**
 * The JSON mapper of the MCP transport. The SDK's servlet transport answers a request it cannot
 * read (malformed JSON, a batch) by serialising its {@link McpError} exception as is, which writes the
 * Java stack trace into the response; here an {@link McpError} is written as the JSON-RPC error
 * response it stands for, {@code {"jsonrpc":"2.0","id":null,"error":{"code","message"}}}.
 */
final class TransportJson {

    private TransportJson() {
    }

    static McpJsonMapper mapper() {
        SimpleModule errors = new SimpleModule("opsplane-mcp-errors");
        errors.addSerializer(McpError.class, new ErrorResponseSerializer());
        return new JacksonMcpJsonMapper(new ObjectMapper().registerModule(errors));
    }

    private static final class ErrorResponseSerializer extends StdSerializer<McpError> {

        ErrorResponseSerializer() {
            super(McpError.class);
        }

        @Override
        public void serialize(McpError error, JsonGenerator json, SerializerProvider provider) throws IOException {
            McpSchema.JSONRPCResponse.JSONRPCError detail = error.getJsonRpcError();
            json.writeStartObject();
            json.writeStringField("jsonrpc", McpSchema.JSONRPC_VERSION);
            json.writeNullField("id");
            json.writeObjectFieldStart("error");
            json.writeNumberField("code", detail == null ? McpSchema.ErrorCodes.INTERNAL_ERROR : detail.code());
            json.writeStringField("message", detail == null ? "Internal error" : detail.message());
            json.writeEndObject();
            json.writeEndObject();
        }
    }
}
