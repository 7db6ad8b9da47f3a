package dev.feedsearch.indexer.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.model.PostJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The attribute mapping on its own (no DynamoDB needed). */
class ItemMapperTest {
    @Test
    void attributeTypesMapToContractJson() throws Exception {
        ObjectNode o = ItemMapper.item(Map.of(
                "id", AttributeValue.fromS("p1"),
                "version", AttributeValue.fromN("17"),
                "likes", AttributeValue.fromN("1E+2"),
                "reposts", AttributeValue.fromN("1.5"),
                "replies", AttributeValue.fromN("123456789012345678901234567890"),
                "deleted", AttributeValue.fromBool(false),
                "reply_to", AttributeValue.fromNul(true),
                "tags", AttributeValue.fromSs(List.of("tokyo")),
                "mentions", AttributeValue.fromL(List.of(AttributeValue.fromS("u7"))),
                "meta", AttributeValue.fromM(Map.of("n", AttributeValue.fromNs(List.of("1", "2"))))));
        assertThat(o.get("id").textValue()).isEqualTo("p1");
        assertThat(o.get("version").isLong() || o.get("version").isInt()).isTrue();
        assertThat(o.get("version").longValue()).isEqualTo(17);
        assertThat(o.get("likes").isIntegralNumber()).isTrue();
        assertThat(o.get("likes").longValue()).isEqualTo(100);
        assertThat(o.get("reposts").isIntegralNumber()).isFalse(); // the validator names it
        assertThat(o.get("replies").canConvertToLong()).isFalse();
        assertThat(o.get("deleted").booleanValue()).isFalse();
        assertThat(o.get("reply_to").isNull()).isTrue();
        assertThat(o.get("tags").toString()).isEqualTo("[\"tokyo\"]");
        assertThat(o.get("mentions").toString()).isEqualTo("[\"u7\"]");
        assertThat(o.get("meta").toString()).isEqualTo("{\"n\":[1,2]}");
    }

    @Test
    void binaryIsAnErrorOnContractAttributesAndSkippedElsewhere() throws Exception {
        AttributeValue bytes = AttributeValue.fromB(SdkBytes.fromUtf8String("x"));
        assertThat(ItemMapper.item(Map.of(
                                "id",
                                AttributeValue.fromS("p1"),
                                "thumb",
                                bytes,
                                "media",
                                AttributeValue.fromL(List.of(bytes))))
                        .toString())
                .isEqualTo("{\"id\":\"p1\"}");
        assertThatThrownBy(() -> ItemMapper.item(Map.of("text", bytes)))
                .hasMessageContaining("attribute text is binary");
    }

    @Test
    void toItemWritesWhatItemReadsBack() throws Exception {
        ObjectNode post = PostJson.MAPPER.createObjectNode();
        post.put("id", "p1").put("text", "hi").put("version", 3).putNull("lang");
        post.putArray("tags").add("a").add("b");
        Map<String, AttributeValue> item = ItemMapper.toItem(post);
        assertThat(item).doesNotContainKey("lang").containsEntry("version", AttributeValue.fromN("3"));
        post.remove("lang");
        assertThat(ItemMapper.item(item).toString()).isEqualTo(post.toString());
    }
}
