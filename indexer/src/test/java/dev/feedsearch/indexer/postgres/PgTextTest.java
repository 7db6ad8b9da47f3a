package dev.feedsearch.indexer.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.indexer.postgres.RowMapper.Table;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PostgreSQL text values → contract JSON, without a server. */
class PgTextTest {
    @Test
    void timestampsInAnySessionTimeZoneBecomeUtcInstants() {
        assertThat(PgText.instant("2026-11-01 12:00:00+00")).contains("2026-11-01T12:00:00Z");
        assertThat(PgText.instant("2026-11-01 17:30:00.25+05:30")).contains("2026-11-01T12:00:00.250Z");
        assertThat(PgText.instant("2026-11-01 07:00:00-05")).contains("2026-11-01T12:00:00Z");
        assertThat(PgText.instant("1890-01-01 00:53:28+00:53:28")).contains("1890-01-01T00:00:00Z");
        assertThat(PgText.instant("2026-11-01 12:00:00"))
                .as("timestamp without time zone: UTC")
                .contains("2026-11-01T12:00:00Z");
        assertThat(PgText.instant("294276-12-31 23:59:59+00"))
                .as("PostgreSQL's last year, for validation to refuse by name")
                .contains("+294276-12-31T23:59:59Z");
        assertThat(PgText.instant("infinity")).isEmpty();
        assertThat(PgText.instant("2026-13-01 12:00:00+00")).isEmpty();
    }

    @Test
    void arrayLiterals() {
        assertThat(PgText.array("{}")).contains(java.util.List.of());
        assertThat(PgText.array("{tokyo,\"Night Life\",\"a\\\"b\",\"c\\\\d\",\"\"}"))
                .contains(java.util.List.of("tokyo", "Night Life", "a\"b", "c\\d", ""));
        assertThat(PgText.array("{a,NULL,\"NULL\"}")).contains(Arrays.asList("a", null, "NULL"));
        assertThat(PgText.array("[0:1]={x,y}")).contains(java.util.List.of("x", "y"));
        assertThat(PgText.array("{{a,b},{c,d}}")).isEmpty();
        assertThat(PgText.array("not an array")).isEmpty();
    }

    @Test
    void rowsMapByColumnNameAndBadValuesStayForValidationToReject() {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("version", "7");
        row.put("id", "p1");
        row.put("text", "hello");
        row.put("created_at", "2026-11-01 12:00:00+00");
        row.put("tags", "[\"a\",\"b\"]"); // jsonb works as well as text[]
        row.put("likes", "1.5");
        row.put("lang", null);
        row.put("internal_note", "not in the contract");
        ObjectNode o = RowMapper.row(Table.POSTS, row);
        assertThat(o.toString())
                .isEqualTo("{\"version\":7,\"id\":\"p1\",\"text\":\"hello\",\"created_at\":\"2026-11-01T12:00:00Z\","
                        + "\"tags\":[\"a\",\"b\"],\"likes\":\"1.5\",\"lang\":null}");
    }

    @Test
    void aRemovalCarriesTheOldRowsVersionAndNeedsIt() throws Exception {
        Map<String, String> old = new LinkedHashMap<>(Map.of("follower_id", "u1", "followee_id", "u2", "version", "4"));
        assertThat(RowMapper.removal(Table.FOLLOWS, old).toString())
                .isEqualTo("{\"follower_id\":\"u1\",\"followee_id\":\"u2\",\"version\":4,\"deleted\":true}");
        old.remove("version");
        assertThatThrownBy(() -> RowMapper.removal(Table.FOLLOWS, old)).hasMessageContaining("REPLICA IDENTITY FULL");
    }
}
