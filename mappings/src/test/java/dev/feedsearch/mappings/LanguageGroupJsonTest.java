package dev.feedsearch.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class LanguageGroupJsonTest {

    @Test
    void everyBundledGroupSurvivesARoundTripThroughText() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (LanguageGroup g : Mappings.load().groups()) {
            String text = json.writeValueAsString(g.toJson());
            assertThat(LanguageGroup.fromJson(json.readTree(text))).as(g.name()).isEqualTo(g);
        }
    }

    @Test
    void aBadDefinitionIsRefusedByName() {
        ObjectNode n = Mappings.load().group("en").toJson();
        n.putObject("fields").put("", "no_such_analyzer");
        assertThatThrownBy(() -> LanguageGroup.fromJson(n))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("groups/en.json")
                .hasMessageContaining("no_such_analyzer");
    }
}
