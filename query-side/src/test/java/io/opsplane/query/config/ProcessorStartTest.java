package io.opsplane.query.config;

import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.axonframework.messaging.StreamableMessageSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the grouped projection processors start on a store the per-projection processors of earlier versions ran. */
class ProcessorStartTest {

    private static final List<String> PROJECTIONS = List.of("api-keys", "approvals", "eventlog", "executions",
            "metrics", "tools", "webhooks");
    private static final TrackingToken TAIL = new GlobalSequenceTrackingToken(-1);

    /** Only the tail token is asked of the source; it is never read here. */
    private final StreamableMessageSource<TrackedEventMessage<?>> source = new StreamableMessageSource<>() {
        @Override
        public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TrackingToken createTailToken() {
            return TAIL;
        }
    };

    private final InMemoryTokenStore tokens = new InMemoryTokenStore();

    private void ranAlone(String projection, long position) {
        tokens.initializeTokenSegments(projection, 1, new GlobalSequenceTrackingToken(position));
    }

    @Test
    void aStoreNoProcessorRanStartsFromTheBeginning() {
        assertThat(ProjectionProcessorConfiguration.startOf("state", PROJECTIONS, tokens, source)).isSameAs(TAIL);
        assertThat(ProjectionProcessorConfiguration.startOf("history", PROJECTIONS, tokens, source)).isSameAs(TAIL);
    }

    @Test
    void eachGroupStartsWhereItsSlowestProjectionHadGot() {
        ranAlone("api-keys", 900);
        ranAlone("approvals", 880);
        ranAlone("executions", 905);
        ranAlone("tools", 905);
        ranAlone("webhooks", 905);
        ranAlone("eventlog", 700);
        ranAlone("metrics", 650);

        assertThat(ProjectionProcessorConfiguration.startOf("state", PROJECTIONS, tokens, source))
                .isEqualTo(new GlobalSequenceTrackingToken(880));
        assertThat(ProjectionProcessorConfiguration.startOf("history", PROJECTIONS, tokens, source))
                .isEqualTo(new GlobalSequenceTrackingToken(650));
    }

    @Test
    void aProjectionThatNeverRanAloneMakesItsGroupStartFromTheBeginning() {
        ranAlone("eventlog", 700);
        ranAlone("approvals", 880);
        assertThat(ProjectionProcessorConfiguration.startOf("history", PROJECTIONS, tokens, source)).isSameAs(TAIL);
        assertThat(ProjectionProcessorConfiguration.startOf("state", PROJECTIONS, tokens, source)).isSameAs(TAIL);
    }
}
