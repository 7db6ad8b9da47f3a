package dev.feedsearch.query;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.LongSupplier;

/**
 * Optional per-client request rate limits: a token bucket per client, refilled at {@code perSecond} up to
 * {@code burst}. A client is its credential when it sends one (an API key or token shared by many addresses behind
 * the app backend) and its address otherwise. Buckets live in a bounded cache, so a flood of addresses cannot grow
 * memory; an evicted client starts again with a full bucket.
 */
public final class RateLimiter {
    /** Requests per second and burst per client; {@code perSecond} 0 turns the limit off. */
    public record Rate(double perSecond, int burst) {
        public static final Rate OFF = new Rate(0, 0);

        public Rate {
            if (!(perSecond >= 0 && perSecond <= 1_000_000))
                throw new IllegalArgumentException("limits.rate_per_second must be within 0..1000000");
            if (burst < 0 || burst > 1_000_000)
                throw new IllegalArgumentException("limits.rate_burst must be within 0..1000000");
            if (perSecond > 0 && burst < 1)
                throw new IllegalArgumentException("limits.rate_burst must be >= 1 when a rate is set");
        }
    }

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private final Rate rate;
    private final LongSupplier nanos;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();

    RateLimiter(Rate rate, LongSupplier nanos) {
        this.rate = rate;
        this.nanos = nanos;
    }

    /**
     * @param credential the request's {@code Authorization} value, or null
     * @param address    the client's address
     * @throws ApiException 429 with Retry-After when the client has no token left
     */
    void check(String credential, String address) {
        if (rate.perSecond() <= 0) return;
        String client = credential == null ? "a" + address : "c" + digest(credential);
        long now = nanos.getAsLong();
        Bucket b = buckets.get(client, k -> new Bucket(rate.burst(), now));
        double wait;
        synchronized (b) {
            b.tokens = Math.min(rate.burst(), b.tokens + (now - b.at) / 1e9 * rate.perSecond());
            b.at = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return;
            }
            wait = (1 - b.tokens) / rate.perSecond();
        }
        throw new ApiException(
                        429,
                        "rate_limited",
                        null,
                        "more than " + rate.perSecond() + " requests per second from this client")
                .retryAfterSeconds((int) Math.max(1, Math.ceil(wait)));
    }

    /** A credential is a bucket's key hashed, so the cache never holds a secret. */
    private static String digest(String credential) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
