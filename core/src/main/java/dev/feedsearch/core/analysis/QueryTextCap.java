package dev.feedsearch.core.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * How much of a query's text matching reads: the text up to the last space or punctuation before the finest of the
 * group analyses passes
 * {@value #MAX_POSITIONS} words (positions). A query is matched in every group's fields at once, each word a clause;
 * without a bound a pasted paragraph (or 54 Japanese characters, one clause per character in the whitespace
 * languages' fields) passes Lucene's clause limit. 32 words is past any sentence a search box is used for; the words
 * after the cut still count for ranking features, they only stop being required. Both engines apply the same cut, so
 * they match the same posts.
 */
public final class QueryTextCap {
    /** Positions one field's analysis of the matched text may have. */
    public static final int MAX_POSITIONS = 32;

    private QueryTextCap() {}

    /**
     * Whether {@code text} is short enough that no analysis can pass the bound: none makes more positions than the
     * text has code points (a bigram starts at each). Such a text needs no analyzers to be cut.
     */
    public static boolean fits(String text) {
        return fits(text, MAX_POSITIONS);
    }

    static boolean fits(String text, int maxPositions) {
        return text.codePointCount(0, text.length()) <= maxPositions;
    }

    /** The prefix of {@code text} that every field analyses into at most {@link #MAX_POSITIONS} positions. */
    public static String cap(String text, List<GroupAnalyzers.TextField> fields) {
        return cap(text, fields, MAX_POSITIONS);
    }

    /**
     * The prefix of {@code text} that every field analyses into at most {@code maxPositions} positions (empty when
     * not even the first word fits).
     */
    public static String cap(String text, List<GroupAnalyzers.TextField> fields, int maxPositions) {
        if (fits(text, maxPositions)) return text;
        if (maxPositions <= 0) return "";
        int cut = text.length();
        for (GroupAnalyzers.TextField f : fields) cut = Math.min(cut, cutOf(f, text, cut, maxPositions));
        if (cut == text.length()) return text;
        // back to the last space or punctuation before the cut, so that no group's word is cut in two (the cut is at
        // a word's start in the finest field, but may fall inside a longer word of Japanese or Korean); a run without
        // any (unspaced Chinese, Thai) is cut where it is
        for (int i = cut; i > 0; i = text.offsetByCodePoints(i, -1)) {
            if (separator(text.codePointBefore(i))) {
                String before =
                        text.substring(0, text.offsetByCodePoints(i, -1)).strip();
                if (!before.isEmpty()) return before;
                break;
            }
        }
        return text.substring(0, cut).strip();
    }

    /** The most positions any of the fields analyses {@code text} into. */
    public static int positions(String text, List<GroupAnalyzers.TextField> fields) {
        int most = 0;
        for (GroupAnalyzers.TextField f : fields) {
            try (TokenStream ts = f.analyzer().tokenStream(f.luceneField(), text)) {
                PositionIncrementAttribute increment = ts.addAttribute(PositionIncrementAttribute.class);
                ts.reset();
                int n = 0;
                while (ts.incrementToken()) if (increment.getPositionIncrement() > 0) n++;
                ts.end();
                most = Math.max(most, n);
            } catch (IOException e) {
                throw new UncheckedIOException("analyzing the query with " + f.luceneField() + " failed", e);
            }
        }
        return most;
    }

    private static boolean separator(int codePoint) {
        if (Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)) return true;
        return switch (Character.getType(codePoint)) {
            case Character.OTHER_PUNCTUATION,
                    Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION,
                    Character.DASH_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** Where the field's first position past the bound starts (or {@code limit} when it has none before it). */
    private static int cutOf(GroupAnalyzers.TextField f, String text, int limit, int maxPositions) {
        try (TokenStream ts = f.analyzer().tokenStream(f.luceneField(), text)) {
            OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
            PositionIncrementAttribute increment = ts.addAttribute(PositionIncrementAttribute.class);
            ts.reset();
            int positions = 0, cut = limit;
            while (ts.incrementToken()) {
                if (offset.startOffset() >= limit) break; // cut already earlier by another field
                if (increment.getPositionIncrement() > 0 && ++positions > maxPositions) {
                    cut = offset.startOffset();
                    break;
                }
            }
            ts.end();
            return cut;
        } catch (IOException e) {
            throw new UncheckedIOException("analyzing the query with " + f.luceneField() + " failed", e);
        }
    }
}
