package io.opsplane.localrun;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.StringDataType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The redo log over MVStore maps, with a crash played by closing the store without a commit
 * ({@link MVStore#closeImmediately}) and abandoning the log as it is on disk.
 */
class RedoLogTest {

    @TempDir
    Path directory;
    private MVStore store;
    private RedoLog redo;
    private MVMap<String, String> map;

    @AfterEach
    void close() {
        if (store != null && !store.isClosed()) {
            store.closeImmediately();
        }
    }

    @Test
    void flushedChangesAreRestoredOverTheLastCheckpointAndUnflushedOnesAreNot() {
        start();
        map.put("kept", "1");
        map.put("changed", "a");
        map.put("gone", "x");
        checkpoint();
        map.put("changed", "b");
        map.remove("gone");
        map.put("new", "n");
        redo.flush();
        map.put("never acknowledged", "u");

        crash();
        start();

        assertThat(map).containsOnly(entry("kept", "1"), entry("changed", "b"), entry("new", "n"));
    }

    @Test
    void aCheckpointDeletesTheSegmentsItMadeRedundantAndNothingIsLostAcrossIt() throws IOException {
        start();
        map.put("before", "1");
        redo.flush();
        assertThat(segments()).hasSize(1);
        checkpoint();
        assertThat(segments()).as("only the segment begun by the checkpoint").hasSize(1);
        map.put("after", "2");
        redo.flush();

        crash();
        start();

        assertThat(map).containsOnly(entry("before", "1"), entry("after", "2"));
    }

    @Test
    void aFrameCutShortByTheCrashEndsTheReplayAndTheFramesBeforeItStand() throws IOException {
        start();
        map.put("first", "1");
        redo.flush();
        map.put("second", "2");
        redo.flush();
        crash();
        Path segment = segments().get(segments().size() - 1);
        try (FileChannel file = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            file.truncate(Files.size(segment) - 3);
        }

        start();

        assertThat(map).containsOnly(entry("first", "1"));
    }

    /** Writers race on one key: the last record of it must be the value the map last held, not the last writer's. */
    @Test
    void theReplayedValueOfAKeyIsTheOneTheMapLastHeldWhateverOrderWritersRecordedIn() throws Exception {
        start();
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        map.put("contested", writer + ":" + i);
                        map.put("own-" + writer, Integer.toString(i));
                        if (i % 50 == 0) {
                            redo.flush();
                        }
                    }
                }));
            }
            for (Future<?> writer : done) {
                writer.get();
            }
        } finally {
            pool.shutdownNow();
        }
        redo.flush();
        String last = map.get("contested");

        crash();
        start();

        assertThat(map.get("contested")).isEqualTo(last);
        for (int w = 0; w < writers; w++) {
            assertThat(map.get("own-" + w)).isEqualTo("299");
        }
    }

    @Test
    void aMapOpenedSinceTheLastCheckpointAsksForOne() {
        start();
        assertThat(redo.needsCheckpoint()).as("the maps opened at the start").isTrue();
        checkpoint();
        assertThat(redo.needsCheckpoint()).isFalse();

        redo.open(store, "other", StringDataType.INSTANCE, StringDataType.INSTANCE);

        assertThat(redo.needsCheckpoint()).isTrue();
    }

    @Test
    void aCleanCloseLeavesNoLogBehind() throws IOException {
        start();
        map.put("k", "v");
        redo.flush();
        store.close();
        redo.close();

        assertThat(segments()).isEmpty();
        start();
        assertThat(map).containsOnly(entry("k", "v"));
    }

    private void start() {
        store = new MVStore.Builder().fileName(directory.resolve("test.mv").toString()).autoCommitDisabled().open();
        redo = RedoLog.in(directory);
        map = redo.open(store, "map", StringDataType.INSTANCE, StringDataType.INSTANCE);
        redo.recover(store);
    }

    private void checkpoint() {
        long opened = redo.rotate();
        store.commit();
        redo.checkpointed(opened);
    }

    private void crash() {
        redo.abandon();
        store.closeImmediately();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(path -> path.getFileName().toString().startsWith(RedoLog.PREFIX)).sorted().toList();
        }
    }
}
