package dev.feedsearch.core.index;

import dev.feedsearch.core.model.Hashtags;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * An immutable, already validated search. Build with {@link #builder()}. {@code text} may be null
 * for a pure filter listing (sort=recent) or a hashtag-only search; {@code viewer} null means an anonymous,
 * public-only viewer.
 *
 * @param tags       hashtags every hit must carry (normalised by {@link Hashtags#normalize}), sorted
 * @param queryGroups the language groups of the query's language (see {@link MatchBoosts}): prose matches in one
 *                    of them rank above prose matches in any other; empty when no language is clear
 * @param mentions    users every hit must mention, sorted
 * @param reply       true: only replies; false: no replies; null: either
 * @param replyTo     every hit replies to a post of this user that the viewer may see (one of the user's newest
 *                    {@link #MAX_REPLY_PARENTS}), or null
 * @param syntax      the phrases, OR groups and exclusions {@code q} was written with, or null for a plain query
 *                    ({@code text} alone); when set, {@code text} is its positive text, for ranking only
 */
public record SearchQuery(
        String text,
        String lang,
        String author,
        Set<String> tags,
        Instant since,
        Instant until,
        SortOrder sort,
        int limit,
        SortKey after,
        String viewer,
        Set<String> queryGroups,
        Set<String> mentions,
        Boolean reply,
        String replyTo,
        ParsedQuery syntax) {
    /**
     * How many of a {@code to:} user's newest posts its replies are looked for under: each engine reads their ids
     * and filters on them, so this bounds that read and the filter (newest first: the replies people look for).
     */
    public static final int MAX_REPLY_PARENTS = 1_000;

    public SearchQuery {
        Objects.requireNonNull(sort, "sort");
        if (limit < 1) throw new IllegalArgumentException("limit must be >= 1");
        tags = tags == null ? Set.of() : Collections.unmodifiableSortedSet(new TreeSet<>(tags));
        queryGroups = queryGroups == null ? Set.of() : Collections.unmodifiableSortedSet(new TreeSet<>(queryGroups));
        mentions = mentions == null ? Set.of() : Collections.unmodifiableSortedSet(new TreeSet<>(mentions));
        if (syntax != null && syntax.isPlain())
            syntax = null; // its words are the text: one form per query (cache keys)
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How many hits an engine reads for one page: one past {@link #limit}, see {@link SearchPage#overfetched}. */
    public int fetchSize() {
        return limit + 1;
    }

    public Builder toBuilder() {
        return new Builder()
                .text(text)
                .lang(lang)
                .author(author)
                .tags(tags)
                .since(since)
                .until(until)
                .sort(sort)
                .limit(limit)
                .after(after)
                .viewer(viewer)
                .queryGroups(queryGroups)
                .mentions(mentions)
                .reply(reply)
                .replyTo(replyTo)
                .syntax(syntax);
    }

    public static final class Builder {
        private String text, lang, author, viewer;
        private final Set<String> tags = new TreeSet<>();
        private final Set<String> queryGroups = new TreeSet<>();
        private final Set<String> mentions = new TreeSet<>();
        private Boolean reply;
        private String replyTo;
        private ParsedQuery syntax;
        private Instant since, until;
        private SortOrder sort = SortOrder.RELEVANCE;
        private int limit = 20;
        private SortKey after;

        public Builder text(String v) {
            text = v;
            return this;
        }

        public Builder lang(String v) {
            lang = v;
            return this;
        }

        public Builder author(String v) {
            author = v;
            return this;
        }
        /** Adds one required hashtag (null adds none); case and a leading '#' do not matter. */
        public Builder tag(String v) {
            if (v != null) tags.add(Hashtags.normalize(v));
            return this;
        }

        public Builder tags(Collection<String> v) {
            v.forEach(this::tag);
            return this;
        }

        public Builder since(Instant v) {
            since = v;
            return this;
        }

        public Builder until(Instant v) {
            until = v;
            return this;
        }

        public Builder sort(SortOrder v) {
            sort = v;
            return this;
        }

        public Builder limit(int v) {
            limit = v;
            return this;
        }

        public Builder after(SortKey v) {
            after = v;
            return this;
        }

        public Builder viewer(String v) {
            viewer = v;
            return this;
        }

        public Builder queryGroups(Collection<String> v) {
            queryGroups.clear();
            queryGroups.addAll(v);
            return this;
        }

        public Builder mentions(Collection<String> v) {
            mentions.clear();
            mentions.addAll(v);
            return this;
        }

        public Builder reply(Boolean v) {
            reply = v;
            return this;
        }

        public Builder replyTo(String v) {
            replyTo = v;
            return this;
        }

        public Builder syntax(ParsedQuery v) {
            syntax = v;
            return this;
        }

        public SearchQuery build() {
            return new SearchQuery(
                    text,
                    lang,
                    author,
                    tags,
                    since,
                    until,
                    sort,
                    limit,
                    after,
                    viewer,
                    queryGroups,
                    mentions,
                    reply,
                    replyTo,
                    syntax);
        }
    }
}
