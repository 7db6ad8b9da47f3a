package dev.feedsearch.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/feedsearch}: one executable, one subcommand per role. */
@Command(
        name = "feedsearch",
        mixinStandardHelpOptions = true,
        version = "feedsearch 0.1.0",
        description = "Search and feed ranking for multilingual social posts.",
        subcommands = {
            DemoCommand.class,
            ServeCommand.class,
            IngestCommand.class,
            DlqCommand.class,
            ReconcileCommand.class,
            ReindexCommand.class,
            PlanCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main {
    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0) System.exit(code);
    }

    /** The configured command line (also what tests drive). */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // one clear line for the operator; the stack trace only with FEEDSEARCH_DEBUG set
            cmd.getErr().println("feedsearch: " + ex.getMessage());
            if (System.getenv("FEEDSEARCH_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 1;
        });
    }
}
