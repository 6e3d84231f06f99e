package io.opsplane.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.opsplane.command.support.CommandSideUnderTest;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator gets without configuring anything, and what one switch changes: readable logs, Axon's command and
 * processor metrics, tracing wired but exporting nowhere; one JSON object per log line with the format switched on.
 */
@ExtendWith(OutputCaptureExtension.class)
class OperabilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void logsOneEcsJsonObjectPerLineWhenTheFormatIsSwitchedOn(CapturedOutput output) {
        try (CommandSideUnderTest app = CommandSideUnderTest.start(dataDir, "logging.structured.format.console=ecs")) {
            List<JsonNode> lines = output.getOut().lines().filter(line -> line.startsWith("{"))
                    .map(OperabilityTest::parse).toList();

            assertThat(lines).isNotEmpty().allSatisfy(line -> {
                assertThat(field(line, "log.level").asText()).isNotEmpty();
                assertThat(field(line, "service.name").asText()).isEqualTo("opsplane-command-side");
            });
            assertThat(lines).anySatisfy(line -> assertThat(line.path("message").asText()).startsWith("Started"));
        }
    }

    @Test
    void logsReadableLinesMeasuresAxonAndTracesWithoutExportingByDefault(CapturedOutput output) throws Exception {
        try (CommandSideUnderTest app = CommandSideUnderTest.start(dataDir)) {
            assertThat(output.getOut()).contains(" INFO ").contains("Started");
            assertThat(output.getOut().lines()).noneMatch(line -> line.startsWith("{"));

            // The bootstrap admin key is issued by a command at start, handled through the command bus.
            MeterRegistry meters = app.bean(MeterRegistry.class);
            assertThat(meters.find("commandBus.successCounter").meters()).isNotEmpty();
            assertThat(meters.find("commandBus.successTimer").meters()).isNotEmpty();
            // The processor's meters appear with the first event it handles, a moment after the start.
            Instant deadline = Instant.now().plusSeconds(30);
            while (meters.find("eventProcessor.latency").tag("processorName", "tool-runner").meters().isEmpty()
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            assertThat(meters.find("eventProcessor.latency").tag("processorName", "tool-runner").meters())
                    .isNotEmpty();

            assertThat(app.context().getBeanProvider(Tracer.class).getIfAvailable()).isNotNull();
            assertThat(app.context().getEnvironment().getProperty("management.tracing.export.enabled")).isEqualTo("false");
            assertThat(app.context().getBeansOfType(SpanExporter.class).values())
                    .noneMatch(exporter -> exporter.getClass().getName().contains("Otlp"));
        }
    }

    /** ECS names fields with dots; Spring Boot writes them flat or nested depending on its version. */
    private static JsonNode field(JsonNode line, String dotted) {
        return line.has(dotted) ? line.get(dotted) : line.at("/" + dotted.replace('.', '/'));
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
