package dev.feedsearch.core.lang;

/**
 * Decides a post's language. The client's hint is a prior, not the answer.
 * Implementations are thread-safe.
 */
public interface LanguageDetector {
    /** Language code used when nothing supported fits. */
    String UNDETERMINED = "und";

    /**
     * @param text the post text (may be short or mixed-script)
     * @param hint the client's BCP-47 tag, or null
     * @return an ISO 639-1 code from the supported set, or {@link #UNDETERMINED}
     */
    String detect(String text, String hint);
}
