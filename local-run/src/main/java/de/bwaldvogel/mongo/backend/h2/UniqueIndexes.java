package de.bwaldvogel.mongo.backend.h2;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import org.h2.mvstore.MVMap;

import java.util.List;

/**
 * Opsplane's only class in mongo-java-server's package: {@link H2UniqueIndex}'s constructor is package-private, and
 * the local run's store ({@code io.opsplane.localrun.BsonH2Database}) opens its index maps with key types of its own.
 */
public final class UniqueIndexes {

    private UniqueIndexes() {
    }

    public static Index<Object> over(MVMap<KeyValue, Object> map, String name, List<IndexKey> keys, boolean sparse) {
        return new H2UniqueIndex(map, name, keys, sparse);
    }
}
