package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.SearchPage;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * The raw side of ScaleRun's engine ÷ raw ratio: the same search without the engine around it. {@link #prepare}
 * (untimed) turns a {@link SearchQuery} into the baseline's own form; {@link Prepared#run} (timed) runs it and
 * returns the page's keys, which {@link #keys(SearchPage, SortOrder)} gives for the engine's page, so that the
 * run can check both answered alike (a baseline that answers something else measures nothing).
 */
sealed interface ScaleBaseline extends AutoCloseable {
    Prepared prepare(SearchQuery q) throws Exception;

    interface Prepared {
        List<String> run() throws Exception;
    }

    /** Keys a page is compared by: ids for newest first (a total order), scores for relevance (ties may order differently). */
    static List<String> keys(SearchPage page, SortOrder sort) {
        List<String> out = new ArrayList<>();
        page.hits()
                .forEach(h -> out.add(sort == SortOrder.RECENT ? h.post().post().id() : Float.toString(h.score())));
        return out;
    }

    /**
     * A bare Lucene {@link IndexSearcher} on its own reader of the same directory, given the very Lucene query the
     * engine builds ({@link EmbeddedPostIndex#luceneQuery}), prebuilt before the clock starts (so the viewer's
     * followees and hidden authors are looked up outside it). It then does what a bare Lucene application would: top {@code limit} by score, or
     * by (created desc, id) collecting only a page (as the engine does, so the index sort ends each segment early),
     * and loads each hit's stored source without decoding it.
     */
    record Lucene(EmbeddedPostIndex engine, DirectoryReader reader, IndexSearcher searcher) implements ScaleBaseline {
        static final Sort RECENT = new Sort(
                new SortField("created", SortField.Type.LONG, true), new SortField("id", SortField.Type.STRING));
        static final Set<String> SOURCE = Set.of("src");

        static Lucene open(EmbeddedPostIndex engine, Path dir) throws IOException {
            DirectoryReader reader = DirectoryReader.open(FSDirectory.open(dir));
            return new Lucene(engine, reader, new IndexSearcher(reader));
        }

        @Override
        public Prepared prepare(SearchQuery q) throws IOException {
            Query query = engine.luceneQuery(q);
            int limit = q.limit();
            if (q.sort() == SortOrder.RELEVANCE) {
                if (q.after() != null) throw new IllegalArgumentException("relevance cursors are not mirrored");
                return () -> {
                    ScoreDoc[] docs = searcher.search(query, limit).scoreDocs;
                    StoredFields stored = searcher.storedFields();
                    List<String> keys = new ArrayList<>(docs.length);
                    for (ScoreDoc sd : docs) {
                        stored.document(sd.doc, SOURCE);
                        keys.add(Float.toString(sd.score));
                    }
                    return keys;
                };
            }
            // the engine's cursor as Lucene's: with the largest doc id only the cursor's own post is skipped as seen
            FieldDoc after = q.after() == null
                    ? null
                    : new FieldDoc(reader.maxDoc() - 1, Float.NaN, new Object[] {
                        q.after().value(), new BytesRef(q.after().id())
                    });
            return () -> {
                ScoreDoc[] docs =
                        searcher.search(query, new TopFieldCollectorManager(RECENT, limit, after, limit)).scoreDocs;
                StoredFields stored = searcher.storedFields();
                List<String> keys = new ArrayList<>(docs.length);
                for (ScoreDoc sd : docs) {
                    stored.document(sd.doc, SOURCE);
                    keys.add(((BytesRef) ((FieldDoc) sd).fields[1]).utf8ToString());
                }
                return keys;
            };
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    /**
     * Raw {@code _search} by a plain HTTP client of the very body the engine sends for the query, to the same indices (serialized before
     * the clock starts, which also takes the viewer's followee and hidden-author look-ups out of the raw side).
     */
    record OpenSearch(String url, OpenSearchPostIndex engine) implements ScaleBaseline {
        @Override
        public Prepared prepare(SearchQuery q) throws IOException {
            String body = body(engine, q);
            // the indices are in the path, not the body: the engine narrows a language filter to that group's index
            String path = "/" + String.join(",", engine.searchRequest(q).index()) + "/_search";
            int limit = q.limit();
            return () -> {
                JsonNode hits = PostJson.MAPPER
                        .readTree(OpenSearchRun.send(url, "POST", path, body))
                        .path("hits")
                        .path("hits");
                List<String> keys = new ArrayList<>();
                for (JsonNode h : hits) {
                    if (keys.size() == limit) break;
                    keys.add(
                            q.sort() == SortOrder.RECENT
                                    ? h.path("_id").asText()
                                    : Float.toString(
                                            (float) h.path("sort").path(0).asDouble()));
                }
                return keys;
            };
        }

        static String body(OpenSearchPostIndex index, SearchQuery q) throws IOException {
            StringWriter w = new StringWriter();
            var mapper = index.client()._transport().jsonpMapper();
            try (JsonGenerator gen = mapper.jsonProvider().createGenerator(w)) {
                index.searchRequest(q).serialize(gen, mapper);
            }
            return w.toString();
        }

        @Override
        public void close() {}
    }
}
