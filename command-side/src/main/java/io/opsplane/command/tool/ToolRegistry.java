package io.opsplane.command.tool;

import io.opsplane.api.execution.ToolRef;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The registered tools by name. Only a registered tool ever runs. */
public class ToolRegistry {

    private final Map<String, Tool> tools;

    public ToolRegistry(Collection<Tool> tools) {
        this.tools = tools.stream().collect(Collectors.toMap(t -> t.descriptor().name(), Function.identity(),
                (a, b) -> {
                    throw new IllegalStateException("two tools are named " + a.descriptor().name());
                }, TreeMap::new));
    }

    public Optional<Tool> find(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    public List<Tool> all() {
        return List.copyOf(tools.values());
    }

    /** The exact tool identity an execution records: name, version, schema digest, idempotency, timeout. */
    public static ToolRef refOf(ToolDescriptor d) {
        return new ToolRef(d.name(), d.version(), CanonicalJson.digest(d.inputSchema()), d.idempotent(),
                d.timeout().toMillis());
    }
}
