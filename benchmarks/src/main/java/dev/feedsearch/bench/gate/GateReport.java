package dev.feedsearch.bench.gate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleToIntFunction;
import javax.imageio.ImageIO;

/** The gate's outputs: a table (stdout and markdown), the results as JSON, and a plot of each metric against its limit. */
final class GateReport {
    private GateReport() {}

    static String table(List<Verdict> verdicts) {
        StringBuilder sb = new StringBuilder(
                "| metric | value | rounds | accepted ± spread | threshold | verdict |\n|---|---|---|---|---|---|\n");
        for (Verdict v : verdicts) {
            Threshold t = v.threshold();
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s %s | %s |%n",
                    t.metric(),
                    v.measured() == null ? "—" : Gate.number(v.measured().median()),
                    v.measured() == null
                            ? "—"
                            : String.join(
                                    " ",
                                    v.measured().rounds().stream()
                                            .map(Gate::number)
                                            .toList()),
                    v.accepted() == null ? "—" : Gate.number(v.accepted().value()) + " ± " + Gate.number(v.tolerance()),
                    t.direction().symbol,
                    Gate.number(t.limit()),
                    v.status() == Verdict.Status.PASS ? "pass" : "**FAIL** " + v.why()));
        }
        return sb.toString();
    }

    static String figures(Map<String, Measured> figures) {
        StringBuilder sb = new StringBuilder("| figure (recorded, not gated) | median | rounds |\n|---|---|---|\n");
        figures.forEach((k, m) -> sb.append(String.format(
                Locale.ROOT,
                "| %s | %s | %s |%n",
                k,
                Gate.number(m.median()),
                String.join(" ", m.rounds().stream().map(Gate::number).toList()))));
        return sb.toString();
    }

    static void json(
            Path file,
            String mode,
            int posts,
            List<Verdict> verdicts,
            Map<String, Measured> figures,
            Map<String, String> errors)
            throws IOException {
        ObjectNode root = GateFiles.JSON.createObjectNode();
        root.put("mode", mode)
                .put("posts", posts)
                .put("finished", Instant.now().toString())
                .put("cores", Runtime.getRuntime().availableProcessors());
        ObjectNode metrics = root.putObject("metrics");
        ArrayNode failed = root.putArray("failed");
        for (Verdict v : verdicts) {
            ObjectNode n = metrics.putObject(v.threshold().metric());
            if (v.measured() != null) {
                v.measured().rounds().forEach(n.putArray("rounds")::add);
                n.put("median", v.measured().median())
                        .put("spread", v.measured().spread());
            }
            n.put(
                    v.threshold().direction() == Threshold.Direction.AT_MOST ? "max" : "min",
                    v.threshold().limit());
            if (v.accepted() != null) n.put("accepted", v.accepted().value()).put("tolerance", v.tolerance());
            n.put("verdict", v.status().name().toLowerCase(Locale.ROOT)).put("why", v.why());
            if (v.failed()) failed.add(v.threshold().metric());
        }
        ObjectNode figs = root.putObject("figures");
        figures.forEach((k, m) -> {
            ObjectNode n = figs.putObject(k);
            m.rounds().forEach(n.putArray("rounds")::add);
            n.put("median", m.median());
        });
        ObjectNode errs = root.putObject("errors");
        errors.forEach(errs::put);
        Files.writeString(file, GateFiles.JSON.writeValueAsString(root) + "\n");
    }

    /**
     * One row per metric on its own scale: the threshold (red line), the accepted level and its tolerance (grey band),
     * each round (dots) and the median (bar, green when it passes).
     */
    static void plot(Path png, String title, List<Verdict> verdicts) throws IOException {
        int rowH = 34, left = 260, right = 40, top = 50, w = 1000;
        int h = top + rowH * verdicts.size() + 30;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, 10, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int pw = w - left - right;
        for (int i = 0; i < verdicts.size(); i++) {
            Verdict v = verdicts.get(i);
            int y = top + i * rowH;
            double scale = v.threshold().limit();
            if (v.measured() != null) for (double r : v.measured().rounds()) scale = Math.max(scale, r);
            if (v.accepted() != null) scale = Math.max(scale, v.accepted().value() + v.tolerance());
            scale *= 1.15;
            final double s = scale;
            DoubleToIntFunction x = val -> left + (int) (pw * Math.max(0, val) / s);
            g.setColor(Color.BLACK);
            g.drawString(v.threshold().metric(), 10, y + 18);
            g.setColor(new Color(0xeeeeee));
            g.fillRect(left, y + 4, pw, rowH - 8);
            if (v.accepted() != null) {
                g.setColor(new Color(0xbbbbbb));
                int a0 = x.applyAsInt(v.accepted().value() - v.tolerance()),
                        a1 = x.applyAsInt(v.accepted().value() + v.tolerance());
                g.fillRect(a0, y + 4, Math.max(2, a1 - a0), rowH - 8);
            }
            if (v.measured() != null) {
                g.setColor(v.failed() ? new Color(0xd62728) : new Color(0x2ca02c));
                g.fillRect(left, y + 12, x.applyAsInt(v.measured().median()) - left, rowH - 24);
                g.setColor(Color.BLACK);
                for (double r : v.measured().rounds()) g.fillOval(x.applyAsInt(r) - 3, y + rowH / 2 - 3, 6, 6);
                g.drawString(
                        Gate.number(v.measured().median()),
                        x.applyAsInt(v.measured().median()) + 6,
                        y + 14);
            }
            g.setColor(Color.RED);
            int tx = x.applyAsInt(v.threshold().limit());
            g.fillRect(tx - 1, y + 2, 3, rowH - 4);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString(
                "bar: median of the rounds (dots); red line: threshold; grey band: accepted level ± tolerance",
                left,
                h - 10);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }
}
