package dev.feedsearch.core.opensearch;

import java.net.URI;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.aws.AwsSdk2Transport;
import org.opensearch.client.transport.aws.AwsSdk2TransportOptions;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/** Builds the opensearch-java client for a config: httpclient5 (optionally basic auth), or SigV4 for AWS. */
public final class OpenSearchClients {
    private OpenSearchClients() {}

    public static OpenSearchClient create(OpenSearchConfig cfg) {
        JacksonJsonpMapper mapper = new JacksonJsonpMapper(dev.feedsearch.core.model.PostJson.MAPPER);
        OpenSearchTransport transport;
        if (cfg.awsRegion() != null) {
            // Amazon OpenSearch Service: one HTTPS endpoint, requests signed for the "es" service
            URI u = cfg.urls().getFirst();
            transport = new AwsSdk2Transport(
                    UrlConnectionHttpClient.builder().build(),
                    u.getHost(),
                    "es",
                    Region.of(cfg.awsRegion()),
                    AwsSdk2TransportOptions.builder().setMapper(mapper).build());
        } else {
            HttpHost[] hosts = cfg.urls().stream()
                    .map(u -> new HttpHost(u.getScheme(), u.getHost(), u.getPort() < 0 ? 9200 : u.getPort()))
                    .toArray(HttpHost[]::new);
            ApacheHttpClient5TransportBuilder b =
                    ApacheHttpClient5TransportBuilder.builder(hosts).setMapper(mapper);
            b.setHttpClientConfigCallback(http -> {
                // no gzip of responses: between the service and its cluster the network is cheap and CPU is not
                // (measured here: a search page's gzip + gunzip cost more than the bytes saved)
                http.disableContentCompression();
                if (cfg.username() != null) {
                    BasicCredentialsProvider creds = new BasicCredentialsProvider();
                    for (HttpHost h : hosts) {
                        creds.setCredentials(
                                new AuthScope(h),
                                new UsernamePasswordCredentials(
                                        cfg.username(), cfg.password().toCharArray()));
                    }
                    http.setDefaultCredentialsProvider(creds);
                }
                return http;
            });
            transport = b.build();
        }
        return new OpenSearchClient(transport);
    }
}
