package dev.feedsearch.app;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars of the CLI's long jobs, on stderr so stdout stays the command's result. */
final class Progress {
    private Progress() {}

    static ProgressBar bar(String task, long max, String unit, long unitSize) {
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err));
        if (unit != null) b.setUnit(unit, unitSize).showSpeed();
        return b.build();
    }

    static ProgressBar bar(String task, long max) {
        return bar(task, max, null, 1);
    }
}
