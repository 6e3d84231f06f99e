package io.opsplane.localrun;

import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which commands commit before they are acknowledged once some collections are committed lazily. */
class CommitOnWriteH2BackendTest {

    private final CommitOnWriteH2Backend backend = new CommitOnWriteH2Backend(MVStore.open(null));

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void everyWriteCommitsUntilCollectionsAreNamedLazy() {
        assertThat(commits("insert", "views")).isTrue();
        assertThat(commits("update", "views")).isTrue();

        backend.commitLazily((command, collection) -> collection.equals("views"));

        assertThat(commits("insert", "views")).isFalse();
        assertThat(commits("update", "views")).isFalse();
        assertThat(commits("delete", "views")).isFalse();
        assertThat(commits("findAndModify", "views")).isFalse();
        assertThat(commits("findandmodify", "views")).as("command names in any case").isFalse();
    }

    @Test
    void writesToOtherCollectionsAndEveryOtherKindOfChangeCommit() {
        backend.commitLazily((command, collection) -> collection.equals("views"));

        assertThat(commits("insert", "tokens")).isTrue();
        assertThat(commits("update", "views_archive")).isTrue();
        assertThat(commits("findAndModify", "tokens")).isTrue();
        assertThat(commits("createIndexes", "views")).as("an index is not a document").isTrue();
        assertThat(commits("drop", "views")).isTrue();
        assertThat(commits("renameCollection", "opsplane.views")).isTrue();
        assertThat(commits("dropDatabase", "1")).isTrue();
        assertThat(commits("compact", "views")).as("a command this class does not know").isTrue();
        assertThat(backend.commitsAfter("insert", new Document("insert", 7))).as("no collection name").isTrue();
        assertThat(aggregation(new Document("$match", new Document()), new Document("$out", "views"))).isTrue();
        assertThat(aggregation(new Document("$merge", new Document("into", "tokens")))).isTrue();
        assertThat(backend.commitsAfter("aggregate", new Document("aggregate", "views"))).as("no pipeline").isTrue();
    }

    @Test
    void aRuleMayNameTheCommandTooSoOnlyThatCommandsWritesWait() {
        backend.commitLazily((command, collection) -> command.equals("findandmodify") && collection.equals("counters"));

        assertThat(commits("findAndModify", "counters")).isFalse();
        assertThat(commits("update", "counters")).isTrue();
        assertThat(commits("insert", "counters")).isTrue();
        assertThat(commits("findAndModify", "tokens")).isTrue();
    }

    @Test
    void readsCommitNothingSoTheyCannotCommitALazyWriteEarly() {
        backend.commitLazily((command, collection) -> collection.equals("views"));

        assertThat(commits("find", "tokens")).isFalse();
        assertThat(commits("getMore", "tokens")).isFalse();
        assertThat(commits("count", "tokens")).isFalse();
        assertThat(commits("listIndexes", "tokens")).isFalse();
        assertThat(commits("ping", "1")).isFalse();
        assertThat(commits("hello", "1")).isFalse();
        assertThat(aggregation(new Document("$match", new Document("a", 1)), new Document("$limit", 1))).isFalse();
    }

    private boolean commits(String command, String collection) {
        return backend.commitsAfter(command, new Document(command, collection));
    }

    private boolean aggregation(Document... stages) {
        return backend.commitsAfter("aggregate", new Document("aggregate", "views").append("pipeline", List.of(stages)));
    }
}
