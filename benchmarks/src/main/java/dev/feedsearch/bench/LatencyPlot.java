package dev.feedsearch.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;

/**
 * Percentile-distribution plot (the HdrHistogram style: x = percentile on a log "nines" scale, y = latency)
 * drawn with Java2D, so the load run needs nothing beyond the JDK to produce its PNG.
 */
final class LatencyPlot {
    private static final Color[] COLORS = {
        new Color(0x1f77b4),
        new Color(0xff7f0e),
        new Color(0x2ca02c),
        new Color(0xd62728),
        new Color(0x9467bd),
        new Color(0x8c564b)
    };
    private static final double[] TICKS = {0, 90, 99, 99.9, 99.99};

    private LatencyPlot() {}

    static void write(Map<String, Histogram> series, String title, Path png) throws IOException {
        int w = 1000, h = 600, left = 80, right = 260, top = 50, bottom = 60;
        double maxNines = 4; // up to 99.99%
        double maxMs = 0;
        Map<String, double[][]> curves = new LinkedHashMap<>();
        for (Map.Entry<String, Histogram> e : series.entrySet()) {
            double[][] pts = new double[200][2];
            for (int i = 0; i < pts.length; i++) {
                double nines = maxNines * i / (pts.length - 1);
                double pct = 100 * (1 - Math.pow(10, -nines));
                pts[i][0] = nines;
                pts[i][1] = e.getValue().getValueAtPercentile(pct) / 1e6;
                maxMs = Math.max(maxMs, pts[i][1]);
            }
            curves.put(e.getKey(), pts);
        }
        maxMs = niceCeil(maxMs);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int pw = w - left - right, ph = h - top - bottom;
        g.drawRect(left, top, pw, ph);
        for (double t : TICKS) {
            double nines = t == 0 ? 0 : -Math.log10(1 - t / 100);
            int x = left + (int) (pw * nines / maxNines);
            g.setColor(new Color(0xdddddd));
            g.drawLine(x, top, x, top + ph);
            g.setColor(Color.BLACK);
            g.drawString((t == 0 ? "0" : String.valueOf(t)) + "%", x - 12, top + ph + 18);
        }
        for (int i = 0; i <= 5; i++) {
            int y = top + ph - ph * i / 5;
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, y, left + pw, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%.2f", maxMs * i / 5), 10, y + 4);
        }
        g.drawString("percentile", left + pw / 2 - 30, h - 15);
        g.drawString("ms", 10, top - 8);
        int c = 0;
        for (Map.Entry<String, double[][]> e : curves.entrySet()) {
            g.setColor(COLORS[c % COLORS.length]);
            g.setStroke(new BasicStroke(2f));
            double[][] pts = e.getValue();
            for (int i = 1; i < pts.length; i++) {
                g.drawLine(
                        left + (int) (pw * pts[i - 1][0] / maxNines),
                        top + ph - (int) (ph * pts[i - 1][1] / maxMs),
                        left + (int) (pw * pts[i][0] / maxNines),
                        top + ph - (int) (ph * pts[i][1] / maxMs));
            }
            g.fillRect(left + pw + 15, top + 10 + c * 22, 14, 4);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), left + pw + 35, top + 16 + c * 22);
            c++;
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static double niceCeil(double v) {
        if (v <= 0) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) if (m * p >= v) return m * p;
        return 10 * p;
    }
}
