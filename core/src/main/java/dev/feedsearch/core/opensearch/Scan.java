package dev.feedsearch.core.opensearch;

import java.io.IOException;
import java.util.List;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOptions;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.search.Hit;

/**
 * Reads every hit of a query in pages with {@code search_after}, in the order of sort fields that together are
 * unique (so no hit falls between two pages), without counting the total. The one paging loop of the engine:
 * term scans for the visitors and digests, follow lists, and the rebuild's copies (one page at a time).
 *
 * @param query      null: every document
 * @param includes   the source fields to return (null: the whole source)
 * @param versions   whether hits carry their (external) version
 */
record Scan<T>(
        OpenSearchClient client,
        String index,
        Query query,
        List<String> sortFields,
        int pageSize,
        List<String> includes,
        boolean versions,
        Class<T> type) {

    /** Follow lists and version scans: large pages, since each hit is small. */
    static final int PAGE = 5_000;

    @FunctionalInterface
    interface HitConsumer<T> {
        void accept(Hit<T> hit) throws IOException;
    }

    /** Every hit of {@code query} (null: all) in {@code index}, sorted ascending by {@code sortFields}, read as {@code type}. */
    static <T> Scan<T> of(OpenSearchClient client, String index, Query query, List<String> sortFields, Class<T> type) {
        return new Scan<>(client, index, query, List.copyOf(sortFields), PAGE, null, false, type);
    }

    Scan<T> pageSize(int size) {
        return new Scan<>(client, index, query, sortFields, size, includes, versions, type);
    }

    Scan<T> only(List<String> fields) {
        return new Scan<>(client, index, query, sortFields, pageSize, List.copyOf(fields), versions, type);
    }

    Scan<T> withVersions() {
        return new Scan<>(client, index, query, sortFields, pageSize, includes, true, type);
    }

    /** Every hit, page after page, until a page comes back short. */
    void forEach(HitConsumer<T> each) throws IOException {
        List<FieldValue> after = null;
        while (true) {
            List<Hit<T>> hits = page(after);
            for (Hit<T> h : hits) each.accept(h);
            if (hits.size() < pageSize) return;
            after = hits.getLast().sort(); // the sort values of the last hit: where the next page starts
        }
    }

    /** One page of hits after {@code after} (values of the sort fields; null: from the start). */
    List<Hit<T>> page(List<FieldValue> after) throws IOException {
        List<SortOptions> order = sortFields.stream()
                .map(f -> SortOptions.of(so -> so.field(x -> x.field(f))))
                .toList();
        return client.search(
                        s -> {
                            s.index(index).size(pageSize).sort(order).trackTotalHits(t -> t.enabled(false));
                            if (query != null) s.query(query);
                            if (includes != null) s.source(src -> src.filter(f -> f.includes(includes)));
                            if (versions) s.version(true);
                            if (after != null) s.searchAfter(after);
                            return s;
                        },
                        type)
                .hits()
                .hits();
    }
}
