package io.opsplane.query;

import com.mongodb.event.CommandListener;
import io.opsplane.query.support.QuerySideUnderTest;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link IndexOnlyReadsContract} on the embedded store, the one the local run and every other test use. */
class IndexOnlyReadsTest extends IndexOnlyReadsContract {

    @Override
    QuerySideUnderTest start(CommandListener recorder) {
        return QuerySideUnderTest.startRecording(recorder);
    }

    @Test
    void theCheckRejectsARangeASortACountAndAnotherField() {
        for (String command : List.of("{find: 'executions', filter: {createdPosition: {$lt: 5}}}",
                "{find: 'executions', filter: {_id: 'x'}, sort: {_id: -1}}",
                "{find: 'executions', filter: {tool: 'x'}}",
                "{find: 'executions', filter: {_id: {$gt: 'x'}}}",
                "{count: 'executions', query: {}}",
                "{aggregate: 'executions', pipeline: []}")) {
            BsonDocument parsed = BsonDocument.parse(command);
            assertThatThrownBy(() -> assertSelectsById(parsed)).as(command).isInstanceOf(AssertionError.class);
        }
        assertSelectsById(BsonDocument.parse("{find: 'execution_lists', filter: {_id: {$in: ['a', 'b']}}}"));
    }
}
