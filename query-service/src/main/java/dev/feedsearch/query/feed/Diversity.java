package dev.feedsearch.query.feed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Author diversity over a whole ranked list: cut into pages of {@code pageSize}, each page takes the
 * best-ranked items whose author has fewer than {@code maxPerAuthor} items on that page; the rest wait for
 * later pages in their order. Deterministic, so every page of a session agrees with the others. When only
 * one author is left, pages are filled regardless (better a page of one author than an empty feed).
 */
public final class Diversity {
    private Diversity() {}

    public static List<RankedItem> arrange(List<RankedItem> ranked, int pageSize, int maxPerAuthor) {
        List<RankedItem> out = new ArrayList<>(ranked.size());
        List<RankedItem> pending = new ArrayList<>(ranked);
        while (!pending.isEmpty()) {
            List<RankedItem> page = new ArrayList<>(pageSize), rest = new ArrayList<>(pending.size());
            Map<String, Integer> perAuthor = new HashMap<>();
            for (RankedItem item : pending) {
                if (page.size() < pageSize && perAuthor.getOrDefault(item.authorId(), 0) < maxPerAuthor) {
                    page.add(item);
                    perAuthor.merge(item.authorId(), 1, Integer::sum);
                } else {
                    rest.add(item);
                }
            }
            if (page.size() < pageSize) {
                // a short page means every item left is by an author already capped here, and the next
                // page would face the same few authors: fill up in order rather than emit tiny pages
                while (page.size() < pageSize && !rest.isEmpty()) page.add(rest.removeFirst());
            }
            out.addAll(page);
            pending = rest;
        }
        return out;
    }
}
