package dev.switchboard.devstack;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;

/**
 * The Mongo wire server's in-memory backend with two pieces of MongoDB's query planning it lacks:
 * <ul>
 *   <li>a query that pins a uniquely indexed field to one value next to other conditions
 *       ({@code {_id: x, status: "SENDING"}}, or the same inside a top-level {@code $and}) reads that one document
 *       through the index; the backend uses an index only when the query names exactly its keys;</li>
 *   <li>secondary indexes, which the backend accepts and ignores, narrow the queries on their first key
 *       ({@link FirstKeyIndex}).</li>
 * </ul>
 * Conditional writes by id (the outbox relay's claim and release, a delivery's lease and outcome) are on the path
 * of every ticket and mail, and the sweeps (stragglers in an outbox, mail due again) run every few seconds; without
 * this each matched every document of its collection, a cost that grew with the data, which on MongoDB it does
 * not, so the local stack and the benchmark slowed down the longer they ran. What a query matches is unchanged:
 * the documents found through an index are still matched against the whole query.
 */
final class KeyedMemoryBackend extends MemoryBackend {

    /** Most values of an {@code $in} looked up one by one rather than scanned for. */
    private static final int MAX_IN = 100;

    private final LongAdder matched = new LongAdder();

    @Override
    public MemoryDatabase openOrCreateDatabase(String databaseName) {
        return new KeyedDatabase(databaseName, getCursorRegistry());
    }

    /** How many times a document was matched against a query, in all collections: what queries cost. */
    long documentsMatched() {
        return matched.sum();
    }

    // inner classes: the database's constructor already opens a collection, before a field of its own could be set
    private final class KeyedDatabase extends MemoryDatabase {

        KeyedDatabase(String databaseName, CursorRegistry cursorRegistry) {
            super(databaseName, cursorRegistry);
        }

        @Override
        protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
            return new KeyedCollection(this, collectionName, options, cursorRegistry);
        }

        @Override
        protected Index<Integer> openOrCreateSecondaryIndex(String collectionName, String indexName,
                                                            List<IndexKey> keys, boolean sparse) {
            return new FirstKeyIndex(indexName, keys, sparse);
        }
    }

    private final class KeyedCollection extends MemoryCollection {

        KeyedCollection(MongoDatabase database, String collectionName, CollectionOptions options,
                        CursorRegistry cursorRegistry) {
            super(database, collectionName, options, cursorRegistry);
        }

        @Override
        protected boolean documentMatchesQuery(Document document, Document query) {
            matched.increment();
            return super.documentMatchesQuery(document, query);
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit,
                                             int batchSize, Document fieldSelector) {
            for (Index<Integer> index : getIndexes()) {
                if (!index.isUnique() || index.getKeys().size() != 1) {
                    continue;
                }
                String key = index.getKeys().getFirst().getKey();
                List<Object> values = QueryTerms.pinnedValues(query, key, MAX_IN);
                if (values == null || query.size() == 1 && query.containsKey(key)) {
                    // nothing pinned, or a query the backend's own planning already serves
                    continue;
                }
                // in the order of the collection, as the scan it replaces would give them
                Set<Integer> positions = new TreeSet<>();
                boolean served = true;
                for (Object value : values) {
                    Document lookup = new Document(key, value);
                    if (!index.canHandle(lookup)) {
                        served = false;
                        break;
                    }
                    index.getPositions(lookup).forEach(positions::add);
                }
                if (served) {
                    return matchDocuments(query, positions, orderBy, numberToSkip, limit, batchSize, fieldSelector);
                }
            }
            // the secondary index that narrows the query most, unless none does
            FirstKeyIndex narrowest = null;
            int fewest = Integer.MAX_VALUE;
            for (Index<Integer> index : getIndexes()) {
                if (index instanceof FirstKeyIndex secondary) {
                    int size = secondary.size(query);
                    if (size >= 0 && size < fewest) {
                        narrowest = secondary;
                        fewest = size;
                    }
                }
            }
            if (narrowest != null && fewest < count()) {
                return matchDocuments(query, narrowest.candidates(query), orderBy, numberToSkip, limit, batchSize,
                        fieldSelector);
            }
            return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
    }
}
