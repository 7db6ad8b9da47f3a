package dev.feedsearch.bench.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gate's decision, kept free of measuring so that it can be tested on synthetic results. A metric fails when
 * <ul>
 * <li>its median passes its threshold (the product's limit for that ratio);</li>
 * <li>or its median is worse than the last accepted median by more than the measured spread: the larger of the
 *     accepted run's round-to-round spread and this run's (a noisier run gets no stricter judgement than its own
 *     noise allows, and a quiet one no looser than the accepted run's);</li>
 * <li>or it was not measured at all (its probe failed).</li>
 * </ul>
 */
public final class Gate {
    private Gate() {}

    public static List<Verdict> judge(
            Map<String, Threshold> thresholds, Map<String, Measured> measured, Map<String, Accepted> baseline) {
        List<Verdict> out = new ArrayList<>();
        for (Threshold t : thresholds.values()) {
            Measured m = measured.get(t.metric());
            Accepted a = baseline.get(t.metric());
            if (m == null) {
                out.add(new Verdict(
                        t, null, a, 0, Verdict.Status.FAIL_MISSING, "not measured: its probe did not run or failed"));
                continue;
            }
            double value = m.median();
            double tolerance = a == null ? 0 : Math.max(a.spread(), m.spread());
            if (!Double.isFinite(value) || !t.direction().holds(value, t.limit())) {
                out.add(new Verdict(
                        t,
                        m,
                        a,
                        tolerance,
                        Verdict.Status.FAIL_THRESHOLD,
                        number(value) + " is past its threshold " + t.direction().symbol + " " + number(t.limit())));
            } else if (a != null && t.direction().worseBy(value, a.value()) > tolerance) {
                out.add(new Verdict(
                        t,
                        m,
                        a,
                        tolerance,
                        Verdict.Status.FAIL_REGRESSION,
                        String.format(
                                Locale.ROOT,
                                "%s is worse than the accepted %s by %s, more than the spread %s",
                                number(value),
                                number(a.value()),
                                number(Math.abs(value - a.value())),
                                number(tolerance))));
            } else {
                out.add(new Verdict(t, m, a, tolerance, Verdict.Status.PASS, a == null ? "no accepted value yet" : ""));
            }
        }
        return out;
    }

    /**
     * The accepted levels after {@code --update-baseline}: this run joins each measured metric's last accepted runs,
     * so that the spread the gate allows is measured from run to run, not only within one run.
     */
    public static Map<String, Accepted> accept(Map<String, Accepted> old, Map<String, Measured> measured) {
        Map<String, Accepted> next = new TreeMap<>(old);
        measured.forEach((k, m) -> {
            List<Accepted.Run> runs =
                    new ArrayList<>(old.containsKey(k) ? old.get(k).runs() : List.of());
            runs.add(new Accepted.Run(round(m.median()), round(m.spread())));
            next.put(k, Accepted.of(runs));
        });
        return next;
    }

    static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    static String number(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : "%.3f", v);
    }
}
