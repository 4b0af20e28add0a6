package dev.progressive.parallelrun.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.parallelrun.ComparisonOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shadow's bounds against a hostile candidate: one that sends its headers and then never finishes its body, and
 * one that sends far more than the cap. A raw socket server counts the connections the shadow really holds open.
 */
class HttpShadowBoundsIT {

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
  }

  /** A server that answers every request with a 200, a Content-Length, and then {@code bodyBytes} of its body. */
  private static final class RawServer implements AutoCloseable {
    private final ServerSocket socket;
    private final long declared;
    private final long sent;
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger mostOpen = new AtomicInteger();
    final AtomicLong bytesWritten = new AtomicLong();
    private final List<Socket> accepted = new ArrayList<>();
    private final Thread acceptor;

    RawServer(long declared, long sent) throws IOException {
      this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      this.declared = declared;
      this.sent = sent;
      this.acceptor = new Thread(this::accept, "raw-server");
      this.acceptor.setDaemon(true);
      this.acceptor.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket connection = socket.accept();
          synchronized (accepted) {
            accepted.add(connection);
          }
          mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
          Thread handler = new Thread(() -> serve(connection), "raw-server-connection");
          handler.setDaemon(true);
          handler.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket connection) {
      try (connection) {
        InputStream in = connection.getInputStream();
        int matched = 0;
        while (matched < 4) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        OutputStream out = connection.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + declared + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        long left = sent;
        while (left > 0) {
          int n = (int) Math.min(chunk.length, left);
          out.write(chunk, 0, n);
          bytesWritten.addAndGet(n);
          left -= n;
        }
        out.flush();
        // Hold the exchange open until the client gives up: read() ends when the client closes the connection.
        while (in.read() >= 0) {
          // the client sends nothing more
        }
      } catch (IOException e) {
        // the client closed the connection
      } finally {
        open.decrementAndGet();
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      synchronized (accepted) {
        for (Socket connection : accepted) {
          connection.close();
        }
      }
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("still not true after 30 s: " + what).isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  private HttpShadow shadow(URI candidate, int maxConcurrent, Duration timeout) {
    HttpShadow shadow = HttpShadow.builder()
        .candidate(candidate)
        .maxConcurrent(maxConcurrent)
        .timeout(timeout)
        .route(ShadowRoute.builder("orders", "/orders/*").build())
        .build();
    closeables.add(shadow);
    return shadow;
  }

  private static final ShadowResponse PRIMARY = new ShadowResponse(200, Map.of("Content-Type",
      List.of("application/json")), "{}".getBytes(StandardCharsets.UTF_8));

  @Test
  void aCandidateThatNeverFinishesItsBodyIsAbortedAtTheTimeLimitAndNeverHoldsMoreThanMaxConcurrent()
      throws Exception {
    RawServer server = new RawServer(1_000_000, 10);
    closeables.add(server);
    HttpShadow shadow = shadow(server.uri(), 2, Duration.ofMillis(300));

    for (int round = 0; round < 3; round++) {
      List<CompletableFuture<ShadowResult>> results = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        results.add(shadow.shadow(ShadowRequest.of("GET", "/orders/" + i), PRIMARY));
      }
      List<ComparisonOutcome> outcomes = new ArrayList<>();
      for (CompletableFuture<ShadowResult> result : results) {
        outcomes.add(result.get(30, TimeUnit.SECONDS).outcome());
      }
      assertThat(outcomes).as(results.stream().map(CompletableFuture::join).toList().toString()).filteredOn(o -> o == ComparisonOutcome.TIMEOUT).hasSize(2);
      assertThat(outcomes).filteredOn(o -> o == ComparisonOutcome.REJECTED).hasSize(4);
      await("the server sees every aborted exchange closed", () -> server.open.get() == 0);
      assertThat(shadow.bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
    }
    assertThat(server.mostOpen.get()).as("exchanges really in flight at once").isLessThanOrEqualTo(2);
    ShadowReport.Endpoint report = shadow.report().endpoint("orders").orElseThrow();
    assertThat(report.timeouts()).isEqualTo(6);
    assertThat(report.rejected()).isEqualTo(12);
  }

  @Test
  void aBodyOverTheCapIsAbortedAndIsACandidateErrorNotAMismatch() throws Exception {
    RawServer server = new RawServer(10L << 20, 10L << 20);
    closeables.add(server);
    HttpShadow shadow = HttpShadow.builder().candidate(server.uri()).timeout(Duration.ofSeconds(30))
        .maxBodyBytes(1L << 20).route(ShadowRoute.builder("orders", "/orders/*").build()).build();
    closeables.add(shadow);

    ShadowResult result = shadow.shadow(ShadowRequest.of("GET", "/orders/1"), PRIMARY).get(30, TimeUnit.SECONDS);

    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
    assertThat(result.failure()).hasMessageContaining("over the shadow's cap of 1048576 bytes");
    await("the server sees the aborted exchange closed", () -> server.open.get() == 0);
    assertThat(server.bytesWritten.get()).as("the rest of the body was never read").isLessThan(10L << 20);
    ShadowReport.Endpoint report = shadow.report().endpoint("orders").orElseThrow();
    assertThat(report.mismatched()).isZero();
    assertThat(report.candidateErrors()).isEqualTo(1);
  }

  @Test
  void aPrimaryBodyOverTheCapIsNotShadowed() throws Exception {
    HttpShadow shadow = HttpShadow.builder().candidate(URI.create("http://127.0.0.1:9")).maxBodyBytes(1024)
        .route(ShadowRoute.builder("orders", "/orders/*").build()).build();
    closeables.add(shadow);
    ShadowResponse big = new ShadowResponse(200, Map.of(), new byte[1025]);

    ShadowResult result = shadow.shadow(ShadowRequest.of("GET", "/orders/1"), big).get(30, TimeUnit.SECONDS);

    assertThat(result.skipped()).isEqualTo(ShadowResult.Skip.BODY_TOO_LARGE);
  }

  @Test
  void aBaseUriSupplierThatThrowsAnErrorNeverReachesTheCallerAndFreesItsPermit() throws Exception {
    HttpShadow shadow = HttpShadow.builder()
        .candidate(() -> {
          throw new AssertionError("no candidate URI for you");
        })
        .maxConcurrent(1)
        .route(ShadowRoute.builder("orders", "/orders/*").build()).build();
    closeables.add(shadow);

    for (int i = 0; i < 3; i++) {
      ShadowResult result = shadow.shadow(ShadowRequest.of("GET", "/orders/1"), PRIMARY).get(30, TimeUnit.SECONDS);
      assertThat(result.outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
      assertThat(result.failure()).hasMessage("no candidate URI for you");
    }
    assertThat(shadow.bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
    assertThat(shadow.report().endpoint("orders").orElseThrow().candidateErrors()).isEqualTo(3);
  }
}
