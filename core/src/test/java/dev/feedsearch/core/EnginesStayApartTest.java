package dev.feedsearch.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The two engines share only core's seams and rules: neither imports the other, so a rule written for one engine
 * cannot quietly become the other's (what one module per engine would make the compiler check).
 */
class EnginesStayApartTest {
    static final Path MAIN = Path.of("src/main/java/dev/feedsearch/core");

    static List<String> crossImports(String from, String to) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN.resolve(from))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (line.startsWith("import") && line.contains("dev.feedsearch.core." + to + ".")) {
                        out.add(f.getFileName() + ": " + line);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void neitherEngineImportsTheOther() throws IOException {
        assertThat(MAIN.resolve("embedded")).isDirectory();
        assertThat(MAIN.resolve("opensearch")).isDirectory();
        assertThat(crossImports("opensearch", "embedded")).isEmpty();
        assertThat(crossImports("embedded", "opensearch")).isEmpty();
    }

    @Test
    void theCheckSeesAnImportWhereThereIsOne() throws IOException {
        // the scan itself works: the engines do import core's index seams
        assertThat(crossImports("embedded", "index")).isNotEmpty();
        assertThat(crossImports("opensearch", "index")).isNotEmpty();
    }
}
