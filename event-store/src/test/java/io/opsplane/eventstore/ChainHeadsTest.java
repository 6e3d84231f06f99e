package io.opsplane.eventstore;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChainHeadsTest {

    @Test
    void answersOnlyForTheSequenceNumberItLastSaw() {
        ChainHeads heads = new ChainHeads(10);
        heads.remember("a", 3, "h3", 103);

        assertThat(heads.hashOf("a", 3)).contains("h3");
        assertThat(heads.hashOf("a", 2)).isEmpty();
        assertThat(heads.hashOf("a", 4)).isEmpty();
        assertThat(heads.hashOf("b", 3)).isEmpty();
        assertThat(heads.positionOf("a", 3)).hasValue(103);
        assertThat(heads.positionOf("a", 2)).isEmpty();
    }

    @Test
    void keepsTheLatestSequenceNumberWhenAnOlderOneIsSeenLater() {
        ChainHeads heads = new ChainHeads(10);
        heads.remember("a", 5, "h5", 105);
        heads.remember("a", 2, "h2", 102);

        assertThat(heads.hashOf("a", 5)).contains("h5");
        assertThat(heads.hashOf("a", 2)).isEmpty();
    }

    @Test
    void forgetsTheLeastRecentlyUsedAggregateBeyondItsCapacity() {
        ChainHeads heads = new ChainHeads(2);
        heads.remember("a", 0, "a0", 100);
        heads.remember("b", 0, "b0", 100);
        assertThat(heads.hashOf("a", 0)).contains("a0");
        heads.remember("c", 0, "c0", 100);

        assertThat(heads.hashOf("b", 0)).isEmpty();
        assertThat(heads.hashOf("a", 0)).contains("a0");
        assertThat(heads.hashOf("c", 0)).contains("c0");
    }

    @Test
    void ignoresEventsWithoutAHash() {
        ChainHeads heads = new ChainHeads(2);
        heads.remember("a", 0, null, 100);

        assertThat(heads.hashOf("a", 0)).isEmpty();
    }
}
