package io.opsplane.command.connector.calendar;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.util.DateTime;
import com.google.api.services.calendar.model.Event;
import com.google.api.services.calendar.model.EventDateTime;
import io.opsplane.api.execution.Effect;
import io.opsplane.api.tool.RiskLevel;
import io.opsplane.command.tool.Schemas;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolContext;
import io.opsplane.command.tool.ToolDescriptor;
import io.opsplane.command.tool.ToolFailure;
import io.opsplane.platform.problem.InvalidInputException;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code calendar.event.create}: creates an event in a Google calendar. The event id is derived
 * from the step key, so a repeated run finds the event it created instead of creating another.
 */
public class CreateEventTool implements Tool {

    private final GoogleCalendarConnector calendar;
    private final ToolDescriptor descriptor = ToolDescriptor.builder("calendar.event.create")
            .version("1.0.0")
            .description("Creates an event in a Google calendar the service account can write to.")
            .riskLevel(RiskLevel.LOW)
            .inputSchema(Schemas.parse("""
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             "type": "object", "additionalProperties": false, "required": ["calendarId", "summary", "start", "end"],
             "properties": {
               "calendarId": {"type": "string", "minLength": 1, "maxLength": 512},
               "summary": {"type": "string", "minLength": 1, "maxLength": 1024},
               "description": {"type": "string", "maxLength": 8192},
               "location": {"type": "string", "maxLength": 1024},
               "start": {"type": "string", "format": "date-time"},
               "end": {"type": "string", "format": "date-time"}}}
            """))
            .outputSchema(Schemas.parse("""
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             "type": "object", "required": ["eventId"],
             "properties": {"eventId": {"type": "string"}, "htmlLink": {"type": "string"}, "status": {"type": "string"}}}
            """))
            .supportsPlan()
            .idempotent()
            .timeout(Duration.ofSeconds(30))
            .build();

    public CreateEventTool(GoogleCalendarConnector calendar) {
        this.calendar = calendar;
    }

    @Override
    public ToolDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Optional<String> unavailableReason() {
        return calendar.unavailableReason();
    }

    @Override
    public List<Effect> plan(JsonNode input) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("summary", input.path("summary").asText());
        details.put("start", input.path("start").asText());
        details.put("end", input.path("end").asText());
        return List.of(new Effect("calendar.event.create", input.path("calendarId").asText(),
                "Create the event '" + input.path("summary").asText() + "' in calendar " + input.path("calendarId").asText(),
                details));
    }

    @Override
    public Map<String, Object> run(JsonNode input, ToolContext context) throws ToolFailure {
        String calendarId = input.path("calendarId").asText();
        String eventId = GoogleCalendarConnector.eventIdFor(context.stepKey("event"));
        Event event = new Event()
                .setId(eventId)
                .setSummary(input.path("summary").asText())
                .setDescription(input.path("description").asText(null))
                .setLocation(input.path("location").asText(null))
                .setStart(new EventDateTime().setDateTime(dateTime(input.path("start").asText())))
                .setEnd(new EventDateTime().setDateTime(dateTime(input.path("end").asText())));
        Event created = calendar.call(client -> {
            try {
                return client.events().insert(calendarId, event).execute();
            } catch (GoogleJsonResponseException e) {
                if (e.getStatusCode() != 409) {
                    throw e;
                }
                // The id exists: an earlier attempt of this step created it.
                return client.events().get(calendarId, eventId).execute();
            }
        });
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("eventId", created.getId());
        output.put("htmlLink", created.getHtmlLink());
        output.put("status", created.getStatus());
        return output;
    }

    @Override
    public void checkInput(JsonNode input) {
        Instant start = instant(input, "start");
        Instant end = instant(input, "end");
        if (!end.isAfter(start)) {
            throw new InvalidInputException("/end", "must be after /start");
        }
    }

    private static Instant instant(JsonNode input, String field) {
        try {
            return OffsetDateTime.parse(input.path(field).asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("/" + field, "must be an RFC 3339 date-time with an offset");
        }
    }

    private static DateTime dateTime(String iso) {
        return new DateTime(OffsetDateTime.parse(iso).toInstant().toEpochMilli());
    }
}
