package dev.feedsearch.indexer;

import java.io.IOException;
import java.util.List;

/** Where bad records go so the stream keeps moving and nothing is lost. */
public interface DeadLetterStore extends AutoCloseable {
    void add(DeadLetterEntry entry) throws IOException;

    List<DeadLetterEntry> list() throws IOException;

    @Override
    void close() throws IOException;
}
