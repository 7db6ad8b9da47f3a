package dev.feedsearch.bench;

import java.util.Arrays;
import java.util.Random;

/** Zipf-distributed ranks 0..n-1 (rank 0 most frequent), by inverse CDF: a few hot keys, a long tail. */
public final class Zipf {
    private final double[] cdf;
    private final Random random;

    public Zipf(int n, double exponent, long seed) {
        cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1 / Math.pow(i + 1, exponent);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) cdf[i] /= sum;
        random = new Random(seed);
    }

    public int next() {
        int i = Arrays.binarySearch(cdf, random.nextDouble());
        return i >= 0 ? i : Math.min(-i - 1, cdf.length - 1);
    }
}
