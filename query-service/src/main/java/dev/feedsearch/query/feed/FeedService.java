package dev.feedsearch.query.feed;

import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.index.PostReader;
import dev.feedsearch.core.index.SessionStore;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.query.CursorCodec;
import dev.feedsearch.query.cache.TimelineCache;
import dev.feedsearch.query.cache.ViewerContexts;
import dev.feedsearch.query.rank.FeatureScorer;
import dev.feedsearch.query.rank.Features;
import dev.feedsearch.query.rank.RankingConfig;
import dev.feedsearch.query.rank.ViewerContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The home feed: candidates (the viewer's followees' and own recent posts from the shared timeline cache,
 * plus a share of popular public posts in the viewer's languages) → visibility, mute and block filters →
 * features and score within a time budget (else reverse-chronological, said so) → author diversity →
 * a session. Pages of one session come from that frozen ranked list, so new posts arriving mid-session
 * cause no duplicates or gaps, on whichever replica a cursor lands ({@link FeedSessions}); every page is
 * re-checked against the index before it is returned, so a post deleted or made private since is dropped,
 * never shown. A new session (no cursor) shows new posts.
 */
public final class FeedService {
    /** A viewer's ranked feed as of {@code now}, arranged for pages of {@code pageSize}. */
    record Session(
            String viewer, Instant now, int pageSize, List<RankedItem> items, String ranking, String fallbackReason) {}

    private final PostReader index;
    private final TimelineCache timelines;
    private final ViewerContexts contexts;
    private final FeatureScorer scorer;
    private final RankingConfig config;
    private final FeedSessions sessions;
    private final Clock clock;
    private final LongSupplier ticker;
    private final CursorCodec cursors;
    private final PopularCandidates popular;

    /**
     * @param contexts   the viewers' follows, hidden authors and languages (shared with search)
     * @param popularTtl how long one read of a language's popular posts is shared by every viewer
     * @param sessions   where sessions are shared with other replicas, when the engine has such a place
     * @param ticker     nanosecond time source of the ranking budget ({@code System::nanoTime} outside tests)
     */
    public FeedService(
            PostReader index,
            TimelineCache timelines,
            ViewerContexts contexts,
            RankingConfig config,
            CursorCodec cursors,
            Duration popularTtl,
            Optional<SessionStore> sessions,
            MeterRegistry metrics,
            Clock clock,
            LongSupplier ticker) {
        this.cursors = cursors;
        this.popular = new PopularCandidates(
                index, Duration.ofMillis((long) (config.popularWindowHours() * 3_600_000)), popularTtl, metrics);
        this.index = index;
        this.timelines = timelines;
        this.contexts = contexts;
        this.config = config;
        this.scorer = new FeatureScorer(config);
        this.clock = clock;
        this.ticker = ticker;
        this.sessions = new FeedSessions(sessions, metrics);
    }

    public FeedPage page(String viewer, int limit, String cursor) throws IOException {
        Session session;
        int offset;
        String sessionId;
        boolean fresh = false;
        if (cursor == null) {
            sessionId = UUID.randomUUID().toString();
            session = build(viewer, clock.instant(), limit);
            offset = 0;
            fresh = true;
        } else {
            CursorCodec.Feed c = cursors.decodeFeed(cursor, viewer, config.maxCandidates());
            sessionId = c.sessionId();
            offset = c.offset();
            session = sessions.get(sessionId, viewer, clock.instant()).orElse(null);
            if (session == null) { // expired everywhere (or never shared): rebuild as of the session's time
                session = build(viewer, c.now(), c.pageSize());
                fresh = true;
            }
        }
        int size = session.items().size(), from = Math.min(offset, size); // offset is bounded by the cursor codec
        List<RankedItem> slice = session.items().subList(from, Math.min(from + limit, size));
        int nextOffset = from + slice.size();
        boolean hasNext = nextOffset < size;
        if (fresh) sessions.put(sessionId, session, hasNext, clock.instant());
        // the last word on privacy is the index, now: drop what was deleted, hidden or made private since
        Map<String, IndexedPost> current = new HashMap<>();
        for (IndexedPost p :
                index.getVisible(slice.stream().map(RankedItem::postId).toList(), viewer))
            current.put(p.post().id(), p);
        List<FeedPage.Entry> entries = new ArrayList<>(slice.size());
        for (RankedItem item : slice) {
            IndexedPost p = current.get(item.postId());
            if (p != null) entries.add(new FeedPage.Entry(p, item));
        }
        String next = hasNext
                ? cursors.encode(new CursorCodec.Feed(sessionId, viewer, session.now(), nextOffset, session.pageSize()))
                : null;
        return new FeedPage(entries, next, session.ranking(), session.fallbackReason());
    }

    Session build(String viewer, Instant now, int pageSize) throws IOException {
        ViewerContext ctx = contexts.get(viewer);
        List<IndexedPost> candidates = candidates(ctx, now);
        List<RankedItem> ranked = new ArrayList<>(candidates.size());
        String ranking = "ranked", reason = null;
        long deadline = ticker.getAsLong() + config.timeBudget().toNanos();
        try {
            for (IndexedPost p : candidates) {
                if (ticker.getAsLong() > deadline) {
                    reason = "ranking exceeded its time budget of " + config.timeBudgetMs() + " ms";
                    break;
                }
                Features f = scorer.features(p, Float.NaN, ctx, now);
                ranked.add(new RankedItem(p.post().id(), p.post().authorId(), f.score(config), f));
            }
        } catch (RuntimeException e) {
            reason = "ranking failed: " + e.getClass().getSimpleName();
        }
        if (reason != null) {
            ranking = "reverse_chronological";
            ranked.clear();
            for (IndexedPost p : candidates)
                ranked.add(new RankedItem(p.post().id(), p.post().authorId(), Double.NaN, null));
            // candidates are already newest first
        } else {
            ranked.sort(Comparator.comparingDouble(RankedItem::score).reversed().thenComparing(RankedItem::postId));
        }
        // the fallback is plainly newest first: no scores to mix by
        List<RankedItem> items =
                reason != null ? ranked : Diversity.arrange(ranked, pageSize, config.maxPerAuthorPerPage());
        return new Session(viewer, now, pageSize, items, ranking, reason);
    }

    /** Newest first, at most max_candidates, each visible to the viewer as far as the rule goes. */
    private List<IndexedPost> candidates(ViewerContext ctx, Instant now) throws IOException {
        Set<String> authors = new LinkedHashSet<>();
        authors.add(ctx.viewer());
        // a viewer following more than max_followees accounts: take a stable subset (sorted ids)
        for (String a : new TreeSet<>(ctx.followees())) {
            if (authors.size() > config.maxFollowees()) break;
            authors.add(a);
        }
        authors.removeAll(ctx.hidden());
        Map<String, IndexedPost> byId = new HashMap<>();
        for (List<IndexedPost> posts : timelines.get(authors).values()) {
            for (IndexedPost p : posts)
                if (admissible(p, ctx, now)) byId.put(p.post().id(), p);
        }
        List<IndexedPost> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparing((IndexedPost p) -> p.post().createdAt())
                .reversed()
                .thenComparing(p -> p.post().id()));
        int popularCap = (int) Math.round(config.maxCandidates() * config.popularShare());
        int followCap = config.maxCandidates() - popularCap;
        if (out.size() > followCap) out = new ArrayList<>(out.subList(0, followCap));
        // popular posts are a share of the candidates, not the rest of them: a viewer following few authors
        // gets at most popular_share x max_candidates, not ~1,800 posts to read and score per session
        if (popularCap > 0 && !ctx.languages().isEmpty()) {
            for (IndexedPost p : popular.get(ctx.languages(), now, popularCap)) {
                if (!byId.containsKey(p.post().id()) && admissible(p, ctx, now)) out.add(p);
            }
            out.sort(Comparator.comparing((IndexedPost p) -> p.post().createdAt())
                    .reversed()
                    .thenComparing(p -> p.post().id()));
        }
        return out;
    }

    private static boolean admissible(IndexedPost ip, ViewerContext ctx, Instant now) {
        Post p = ip.post();
        return !p.createdAt().isAfter(now)
                && !ctx.hidden().contains(p.authorId())
                && Visibility.canSee(
                        ctx.viewer(),
                        p.authorId(),
                        p.visibility(),
                        ctx.followees().contains(p.authorId()));
    }
}
