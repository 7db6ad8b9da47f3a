package dev.feedsearch.bench;

import static dev.feedsearch.bench.CorpusGenerator.END;
import static dev.feedsearch.bench.CorpusGenerator.FOLLOW_SPAN;
import static dev.feedsearch.bench.CorpusGenerator.LANGS;

import dev.feedsearch.bench.CorpusGenerator.Lang;
import dev.feedsearch.bench.CorpusGenerator.Stats;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.PostJson;
import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The synthetic authors of {@link CorpusGenerator}'s corpus, how posts and follows pick them, and the follow
 * graph. It draws from the generator's own {@link Random}, in the generator's call order, so a seed still
 * gives the same bytes.
 */
final class CorpusAuthors {

    static final class Author {
        final String id;
        final double activity;
        final Lang primary;
        Lang secondary; // set once, in the constructor

        Author(String id, double activity, Lang primary) {
            this.id = id;
            this.activity = activity;
            this.primary = primary;
        }
    }

    private final Random rnd;
    private final Author[] authors;
    private final double[] activityCumulative;

    /** {@code pickLang} is the generator's weighted language draw (same {@link Random}). */
    CorpusAuthors(int n, Random rnd, Supplier<Lang> pickLang) {
        this.rnd = rnd;
        // authors: Zipf-ish activity over a shuffled rank; primary languages dealt from a weighted deck so
        // that every language has writers; 40% also write a second language
        List<Integer> ranks = new ArrayList<>();
        for (int i = 1; i <= n; i++) ranks.add(i);
        Collections.shuffle(ranks, rnd);
        List<Lang> deck = new ArrayList<>();
        for (Lang l : LANGS) for (int k = 0; k < l.weight(); k++) deck.add(l);
        Collections.shuffle(deck, rnd);
        authors = new Author[n];
        activityCumulative = new double[n];
        double acc = 0;
        for (int i = 0; i < n; i++) {
            double activity = 1.0 / Math.pow(ranks.get(i), 0.8);
            authors[i] = new Author("u" + (i + 1), activity, deck.get(i % deck.size()));
            if (rnd.nextDouble() < 0.4) {
                Lang second = pickLang.get();
                if (second != authors[i].primary) authors[i].secondary = second;
            }
            activityCumulative[i] = acc += activity;
        }
    }

    void writeFollows(Writer w, Stats stats) throws IOException {
        record Line(Instant at, FollowEdge edge) {}
        List<Line> lines = new ArrayList<>();
        long spanSeconds = FOLLOW_SPAN.toSeconds();
        for (Author a : authors) {
            int k = Math.min(authors.length - 1, 5 + rnd.nextInt(26));
            Set<Author> followees = new LinkedHashSet<>();
            int guard = 0;
            while (followees.size() < k && guard++ < k * 50) {
                Author b = pickAuthor(); // popular authors are followed more (Zipf on activity)
                if (b == a) continue;
                // people mostly follow people who write in a language they write
                boolean shared = b.primary == a.primary || b.primary == a.secondary || b.secondary == a.primary;
                if (!shared && rnd.nextDouble() < 0.5) continue;
                followees.add(b);
            }
            for (Author b : followees) {
                Instant at =
                        END.minusSeconds(FOLLOW_SPAN.toSeconds()).plusSeconds((long) (rnd.nextDouble() * spanSeconds));
                lines.add(new Line(at, new FollowEdge(a.id, b.id, at, 1, false)));
                if (rnd.nextDouble() < 0.03) { // an unfollow, later, at a higher version
                    Instant later = at.plusSeconds(
                            (long) (rnd.nextDouble() * Duration.between(at, END).toSeconds()));
                    lines.add(new Line(later, new FollowEdge(a.id, b.id, at, 2, true)));
                    stats.unfollows++;
                }
            }
        }
        lines.sort((x, y) -> x.at().compareTo(y.at()));
        for (Line l : lines) {
            w.write(PostJson.MAPPER.writeValueAsString(PostJson.encode(l.edge())));
            w.write('\n');
        }
        stats.followLines = lines.size();
    }

    /** An author, by activity (a few write or get followed a lot, most rarely). */
    Author pickAuthor() {
        double x = rnd.nextDouble() * activityCumulative[activityCumulative.length - 1];
        int i = Arrays.binarySearch(activityCumulative, x);
        return authors[i >= 0 ? i : -i - 1];
    }

    /** An author who writes {@code lang}: primary writers four times as likely as secondary ones. */
    Author pickAuthorWriting(Lang lang) {
        Writers ws = writers.computeIfAbsent(lang, this::writersOf);
        if (ws.authors.length == 0) return pickAuthor(); // nobody writes it (very few authors)
        double x = rnd.nextDouble() * ws.cumulative[ws.cumulative.length - 1];
        int i = Arrays.binarySearch(ws.cumulative, x);
        return ws.authors[i >= 0 ? i : -i - 1];
    }

    private record Writers(Author[] authors, double[] cumulative) {}

    private final Map<Lang, Writers> writers = new LinkedHashMap<>();

    private Writers writersOf(Lang lang) {
        List<Author> as = new ArrayList<>();
        List<Double> cum = new ArrayList<>();
        double acc = 0;
        for (Author a : authors) {
            double wgt = a.primary == lang ? 4 * a.activity : a.secondary == lang ? a.activity : 0;
            if (wgt == 0) continue;
            as.add(a);
            cum.add(acc += wgt);
        }
        return new Writers(
                as.toArray(new Author[0]),
                cum.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
