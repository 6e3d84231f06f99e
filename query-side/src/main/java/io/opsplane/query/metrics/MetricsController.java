package io.opsplane.query.metrics;

import io.opsplane.api.apikey.Scope;
import io.opsplane.platform.auth.RequiresScope;
import io.opsplane.platform.problem.ApiException;
import io.opsplane.query.consistency.ReadYourWrites;
import io.opsplane.query.metrics.MetricsQuery.MetricsView;
import io.opsplane.query.web.QueryParameters;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** {@code GET /v1/metrics}: totals and per-tool figures over a recent window, computed by {@link MetricsQuery}. */
@RestController
class MetricsController {

    private final MetricsQuery query;
    private final ReadYourWrites readYourWrites;

    MetricsController(MetricsQuery query, ReadYourWrites readYourWrites) {
        this.query = query;
        this.readYourWrites = readYourWrites;
    }

    @GetMapping(path = "/v1/metrics", produces = MediaType.APPLICATION_JSON_VALUE)
    @RequiresScope(Scope.METRICS_READ)
    CompletableFuture<MetricsView> metrics(Parameters parameters) {
        String window = QueryParameters.text(parameters.window()).orElse("1h");
        Duration length = MetricsQuery.window(window).orElseThrow(() ->
                ApiException.invalidParameter("window", "'window' must be one of 15m, 1h, 24h, 7d"));
        return readYourWrites.then(MetricsProjection.PROCESSING_GROUP,
                QueryParameters.position("minPosition", parameters.minPosition()), () -> query.over(window, length));
    }

    /** The query parameters of a metrics request, as sent. */
    record Parameters(String window, String minPosition) {
    }
}
