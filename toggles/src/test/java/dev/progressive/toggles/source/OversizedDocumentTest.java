package dev.progressive.toggles.source;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.progressive.toggles.internal.source.BoundedText;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: a flag document larger than the parser could ever accept is refused while it is read, from a file, a
 * directory or an HTTP server, before it is held whole; an HTTP body over the cap is not fetched again by retries.
 */
class OversizedDocumentTest {

  private static final String FLAGS = "{\"flags\": {\"ok\": {\"state\": \"ENABLED\", \"variants\": {\"on\": true, "
      + "\"off\": false}, \"defaultVariant\": \"on\"}}}";

  @TempDir
  Path dir;

  private WireMockServer server;

  @BeforeEach
  void startServer() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop();
  }

  /** A valid-looking JSON document one byte over the cap: a flag set with a huge metadata string. */
  private static byte[] oversized() {
    String head = "{\"metadata\": {\"pad\": \"";
    String tail = "\"}, \"flags\": {}}";
    byte[] doc = new byte[BoundedText.MAX_BYTES + 1];
    Arrays.fill(doc, (byte) 'x');
    System.arraycopy(head.getBytes(StandardCharsets.UTF_8), 0, doc, 0, head.length());
    System.arraycopy(tail.getBytes(StandardCharsets.UTF_8), 0, doc, doc.length - tail.length(), tail.length());
    return doc;
  }

  @Test
  void aFileOverTheCapIsRefusedNamingItAndTheCap() throws Exception {
    Path file = dir.resolve("flags.json");
    Files.write(file, oversized());
    assertThatThrownBy(() -> FileSource.of(file).load()).isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("more than " + BoundedText.MAX_BYTES + " bytes");
  }

  @Test
  void aFileAtTheCapIsRead() throws Exception {
    Path file = dir.resolve("flags.json");
    byte[] doc = Arrays.copyOf(oversized(), BoundedText.MAX_BYTES);
    byte[] tail = "\"}, \"flags\": {}}".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(tail, 0, doc, doc.length - tail.length, tail.length);
    Files.write(file, doc);
    assertThat(FileSource.of(file).load()).hasSize(1);
  }

  @Test
  void aDirectoryWithAFileOverTheCapIsRefused() throws Exception {
    Files.writeString(dir.resolve("a.json"), FLAGS);
    Files.write(dir.resolve("b.json"), oversized());
    assertThatThrownBy(() -> DirectorySource.of(dir).load()).isInstanceOf(IOException.class)
        .hasMessageContaining("b.json").hasMessageContaining("more than " + BoundedText.MAX_BYTES + " bytes");
  }

  @Test
  void anHttpBodyOverTheCapIsRefusedAndNotFetchedAgain() throws Exception {
    server.stubFor(get(urlPathEqualTo("/flags")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(oversized())));
    HttpSource source = HttpSource.builder(URI.create("http://127.0.0.1:" + server.port() + "/flags"))
        .timeout(Duration.ofSeconds(60)).retry(3, Duration.ofMillis(10)).build();
    assertThatThrownBy(source::load).isInstanceOf(IOException.class)
        .hasMessageContaining("more than " + BoundedText.MAX_BYTES + " bytes");
    assertThat(server.findAll(getRequestedFor(urlPathEqualTo("/flags")))).as("not retried").hasSize(1);
  }
}
