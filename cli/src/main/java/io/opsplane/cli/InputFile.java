package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A tool input given as a JSON object in a file, or on stdin for {@code -}. */
final class InputFile {

    private InputFile() {
    }

    static ObjectNode read(String file, Terminal terminal, ObjectMapper json) {
        JsonNode input;
        try (InputStream in = "-".equals(file) ? terminal.in() : Files.newInputStream(Path.of(file))) {
            input = json.readTree(in);
        } catch (NoSuchFileException e) {
            throw Failure.usage("--input " + file + ": no such file");
        } catch (IOException e) {
            throw Failure.usage("--input " + file + " is not JSON: " + firstLine(e.getMessage()));
        }
        if (input == null || !input.isObject()) {
            throw Failure.usage("--input " + file + " must hold a JSON object");
        }
        return (ObjectNode) input;
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }
}
