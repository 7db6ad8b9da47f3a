package dev.feedsearch.app;

/** Engine selection shared by the commands. */
final class Engines {
    private Engines() {}

    static void requireEmbedded(String engine) {
        if ("embedded".equals(engine)) return;
        if ("opensearch".equals(engine)) {
            throw new IllegalArgumentException("--engine opensearch is not available in this build yet; use --engine embedded");
        }
        throw new IllegalArgumentException("--engine must be embedded or opensearch, got '" + engine + "'");
    }
}
