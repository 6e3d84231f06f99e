package io.opsplane.query.tool;

import io.opsplane.api.apikey.Scope;
import io.opsplane.platform.auth.RequiresScope;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.query.consistency.ReadYourWrites;
import io.opsplane.query.web.QueryParameters;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The tool registry as agents discover it: every tool with its schemas, policies and availability. */
@RestController
@RequestMapping(path = "/v1/tools", produces = MediaType.APPLICATION_JSON_VALUE)
class ToolController {

    private final ToolCatalogProjection catalog;
    private final ReadYourWrites readYourWrites;
    private final JsonMapper json;

    ToolController(ToolCatalogProjection catalog, ReadYourWrites readYourWrites, JsonMapper json) {
        this.catalog = catalog;
        this.readYourWrites = readYourWrites;
        this.json = json;
    }

    /** Every registered tool, by name. */
    record ToolList(List<JsonNode> tools) {
    }

    @GetMapping
    @RequiresScope(Scope.TOOLS_READ)
    CompletableFuture<ToolList> list(@RequestParam(required = false) String minPosition) {
        return readYourWrites.then(ToolCatalogProjection.PROCESSING_GROUP,
                QueryParameters.position("minPosition", minPosition), () -> {
            return new ToolList(catalog.all().stream().map(d -> json.readTree(d.spec())).toList());
        });
    }

    @GetMapping("/{name}")
    @RequiresScope(Scope.TOOLS_READ)
    CompletableFuture<JsonNode> get(@PathVariable String name, @RequestParam(required = false) String minPosition) {
        return readYourWrites.then(ToolCatalogProjection.PROCESSING_GROUP,
                QueryParameters.position("minPosition", minPosition), () -> {
            return catalog.find(name).map(d -> json.readTree(d.spec())).orElseThrow(() ->
                    ApiException.notFound("tool_not_found", "no tool named '" + name + "' is registered"));
        });
    }
}
