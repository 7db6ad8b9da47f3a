package dev.feedsearch.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.feedsearch.query.auth.JwtAuth;
import dev.feedsearch.query.auth.ServiceTokenAuth;
import dev.feedsearch.query.auth.ViewerAuth;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve --auth}: which modes start where, and what each needs, refused before anything is opened. */
class ServeAuthTest {
    @TempDir
    Path dir;

    static AuthOptions parse(String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        return serve.auth;
    }

    static UnaryOperator<String> env(Map<String, String> vars) {
        return vars::get;
    }

    @Test
    void noAuthIsOnlyForLoopbackUnlessSaidInsecure() {
        assertThat(parse().viewerAuth("127.0.0.1", env(Map.of()))).isSameAs(ViewerAuth.NONE);
        assertThat(parse().viewerAuth("localhost", env(Map.of()))).isSameAs(ViewerAuth.NONE);
        assertThat(parse("--auth", "none").viewerAuth("::1", env(Map.of()))).isSameAs(ViewerAuth.NONE);
        for (String host : new String[] {"0.0.0.0", "::", "192.0.2.10"}) {
            assertThatThrownBy(() -> parse().viewerAuth(host, env(Map.of())))
                    .as(host)
                    .hasMessageContaining("--auth service-token")
                    .hasMessageContaining("--insecure-no-auth")
                    .hasMessageContaining("private posts");
        }
        assertThat(parse("--insecure-no-auth").viewerAuth("0.0.0.0", env(Map.of())))
                .isSameAs(ViewerAuth.NONE);
    }

    @Test
    void serviceTokenNeedsASecretOf16CharactersFromTheEnvironment() {
        assertThatThrownBy(() -> parse("--auth", "service-token").viewerAuth("0.0.0.0", env(Map.of())))
                .hasMessageContaining("FEEDSEARCH_SERVICE_TOKEN");
        assertThatThrownBy(() -> parse("--auth", "service-token")
                        .viewerAuth("0.0.0.0", env(Map.of("FEEDSEARCH_SERVICE_TOKEN", "too-short"))))
                .hasMessageContaining("at least 16 characters");
        assertThat(parse("--auth", "service-token")
                        .viewerAuth("0.0.0.0", env(Map.of("FEEDSEARCH_SERVICE_TOKEN", "0123456789abcdef"))))
                .isInstanceOf(ServiceTokenAuth.class);
    }

    @Test
    void jwtNeedsJwksIssuerAndAudience() throws Exception {
        assertThatThrownBy(() -> parse("--auth", "jwt", "--jwt-issuer", "https://idp.test", "--jwt-audience", "app")
                        .viewerAuth("0.0.0.0", env(Map.of())))
                .hasMessageContaining("--jwt-jwks-url");
        assertThatThrownBy(() -> parse(
                                "--auth",
                                "jwt",
                                "--jwt-jwks-url",
                                "https://idp.test/jwks.json",
                                "--jwt-audience",
                                "app")
                        .viewerAuth("0.0.0.0", env(Map.of())))
                .hasMessageContaining("--jwt-issuer");
        assertThatThrownBy(() -> parse(
                                "--auth",
                                "jwt",
                                "--jwt-jwks-url",
                                "https://idp.test/jwks.json",
                                "--jwt-issuer",
                                "https://idp.test")
                        .viewerAuth("0.0.0.0", env(Map.of())))
                .hasMessageContaining("--jwt-audience");
        assertThatThrownBy(() -> parse(
                                "--auth",
                                "jwt",
                                "--jwt-jwks-url",
                                "file:///etc/passwd",
                                "--jwt-issuer",
                                "i",
                                "--jwt-audience",
                                "a")
                        .viewerAuth("0.0.0.0", env(Map.of())))
                .hasMessageContaining("http(s) URL");
        ViewerAuth jwt = parse(
                        "--auth",
                        "jwt",
                        "--jwt-jwks-url",
                        "https://idp.test/jwks.json",
                        "--jwt-issuer",
                        "https://idp.test",
                        "--jwt-audience",
                        "app")
                .viewerAuth("0.0.0.0", env(Map.of()));
        assertThat(jwt).isInstanceOf(JwtAuth.class);
        ((JwtAuth) jwt).close();
        assertThatThrownBy(() -> parse("--auth", "oauth").viewerAuth("127.0.0.1", env(Map.of())))
                .hasMessageContaining("none, service-token or jwt");
    }

    @Test
    void serveOnAPublicAddressWithoutAuthRefusesInOneLineBeforeOpeningTheIndex() {
        Path data = dir.resolve("data");
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        // --source postgres without --jdbc-url: were the refusal missing, serve would fail later on that, not hang
        // serving
        int code = cli.execute(
                "serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", data.toString(), "--source", "postgres");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("feedsearch: --host 0.0.0.0").contains("--insecure-no-auth");
        assertThat(data).doesNotExist();
    }
}
