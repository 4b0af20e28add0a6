package dev.progressive.toggles.source;

import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.internal.definition.FlagSetParser;
import dev.progressive.toggles.internal.source.BackupFile;
import dev.progressive.toggles.internal.source.FlagdSyncResponse;
import dev.progressive.toggles.internal.source.GuardedFetch;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A flagd-format document served over HTTP, polled with {@code If-None-Match}, retried with exponential backoff and
 * guarded by a circuit breaker.
 *
 * <pre>{@code
 * HttpSource flags = HttpSource.builder(URI.create("https://flags.example.com/v1/flags"))
 *     .pollInterval(Duration.ofSeconds(10))
 *     .header("Authorization", "Bearer " + token)
 *     .backupFile(Path.of("/var/cache/app/flags-backup.json"))
 *     .build();
 * }</pre>
 *
 * <p>The body is either a flag document (JSON or YAML) or flagd's sync response, {@code {"flagConfiguration":
 * "<the document as a string>"}}, which is unwrapped. A {@code 304 Not Modified} changes nothing. Any other status, a
 * timeout, a reset connection or an unreadable response is reported as a failure once, and the last good flags stay
 * in force. A document that is not valid is reported as it is, so that {@link dev.progressive.toggles.Toggles}
 * refuses it and shows why; it never replaces the backup file.
 *
 * <p>With a backup file, every new document that Toggles applied is written to it atomically, and {@link #load()}
 * serves it when the server cannot be reached at start. Header values and the URL's query string and user info never
 * appear in names, errors or logs.
 *
 * <p>This class runs the source's life: load, polling, reporting and keeping the backup in step. The fetch with its
 * ETag, retry and circuit breaker is {@link GuardedFetch}; the file is {@link BackupFile}.
 */
public final class HttpSource implements FlagSource {

  private static final Logger LOG = LoggerFactory.getLogger(HttpSource.class);

  private final String safeUrl;
  private final Duration pollInterval;
  private final Duration timeout;
  /** The backup file, or null. Used under lock. */
  private final BackupFile backupFile;
  private final GuardedFetch guardedFetch;

  private final Object lock = new Object();
  /** The ETag of the server's current document, or null. Guarded by lock. */
  private String etag;
  /** The documents last reported (or returned by load), valid or not. Guarded by lock. */
  private List<FlagDocument> current;
  /** The message of the failure last reported, or null after a success. Guarded by lock. */
  private String lastFailure;
  /** Whether load() fell back to the backup file, so that the first poll runs at once. Guarded by lock. */
  private boolean servingBackup;
  private ScheduledExecutorService scheduler;
  private Thread pollingThread;
  private boolean closed;

  private HttpSource(Builder b) {
    this.safeUrl = safe(b.uri);
    this.pollInterval = b.pollInterval;
    this.timeout = b.timeout;
    this.backupFile = b.backupFile != null ? new BackupFile(b.backupFile, safeUrl, LOG) : null;
    HttpClient client = b.httpClient != null ? b.httpClient
        : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(b.timeout)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    CircuitBreakerConfig cbConfig = b.circuitBreakerConfig != null ? b.circuitBreakerConfig : defaultCircuitBreaker();
    this.guardedFetch = new GuardedFetch(b.uri, safeUrl, b.timeout, b.headers, client, b.retryAttempts,
        b.retryBackoff, cbConfig, this::knownEtag);
  }

  /** The ETag of the document held now, read before each attempt of a fetch. */
  private String knownEtag() {
    synchronized (lock) {
      return etag;
    }
  }

  /** A source polling this URL with the defaults. */
  public static HttpSource of(URI uri) {
    return builder(uri).build();
  }

  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /**
   * The default circuit breaker: it opens when half of the last 10 polls failed (after at least 5), stays open 30 s,
   * then lets one trial poll decide whether it closes.
   */
  static CircuitBreakerConfig defaultCircuitBreaker() {
    return GuardedFetch.defaultCircuitBreaker();
  }

  /** The URL without user info, query or fragment, which may hold secrets. */
  static String safe(URI uri) {
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
    } catch (URISyntaxException e) {
      return uri.getScheme() + "://" + uri.getHost();
    }
  }

  @Override
  public String name() {
    return safeUrl;
  }

  /**
   * Fetches the document, with retries. When the server cannot be reached, or serves an invalid document, and the
   * backup file exists, returns the backup instead; the first poll then follows at once and reports what is wrong.
   *
   * @throws IOException when the document cannot be fetched and there is no backup to serve
   */
  @Override
  public List<FlagDocument> load() throws IOException {
    synchronized (lock) {
      IOException failure;
      try {
        HttpResponse<String> response = guardedFetch.fetch();
        if (response.statusCode() == 304) {
          throw new IOException("GET " + safeUrl + " answered 304 to a request without a cached copy");
        }
        FlagDocument document = document(response.body());
        boolean valid = isValid(document);
        if (valid || !backupExists()) {
          etag = response.headers().firstValue("ETag").orElse(null);
          current = List.of(document);
          lastFailure = null;
          return current;
        }
        failure = new IOException("GET " + safeUrl + " served an invalid flag document");
      } catch (IOException e) {
        failure = e;
      }
      if (!backupExists()) {
        lastFailure = failure.getMessage();
        if (backupFile != null) {
          failure.addSuppressed(new IOException("and the backup file " + backupFile + " does not exist"));
        }
        throw failure;
      }
      String content = backupFile.read();
      LOG.warn("Flag source {} cannot be fetched ({}); serving the backup file {} until it can", safeUrl,
          failure.getMessage(), backupFile);
      etag = null;
      servingBackup = true;
      lastFailure = null;
      current = List.of(new FlagDocument(safeUrl + " (backup file " + backupFile + ")", content));
      return current;
    }
  }

  /** Starts polling on a daemon thread of its own; at once when {@link #load()} served the backup file. */
  @Override
  public void watch(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lock) {
      if (closed || scheduler != null) {
        return;
      }
      String threadName = "progressive-flags-http-" + safeUrl;
      scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        synchronized (lock) {
          pollingThread = t;
        }
        return t;
      });
      long first = servingBackup ? 0 : pollInterval.toNanos();
      scheduler.scheduleWithFixedDelay(() -> poll(listener), first, pollInterval.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * One poll: fetch, compare, report. Never throws, not even an Error, since a scheduled task that throws is never
   * run again: the source would stop polling for good.
   */
  private void poll(Listener listener) {
    try {
      pollOnce(listener);
    } catch (Throwable e) { // NOPMD: see above
      try {
        report(listener, new IOException("polling " + safeUrl + " failed: " + e, e));
      } catch (Throwable again) { // NOPMD: reporting may fail the same way; the next poll tries again
        LOG.error("Flag source {} failed to report a failed poll", safeUrl, again);
      }
    }
  }

  private void pollOnce(Listener listener) {
    HttpResponse<String> response;
    try {
      response = guardedFetch.fetch();
    } catch (IOException e) {
      report(listener, e);
      return;
    }
    List<FlagDocument> toReport = null;
    synchronized (lock) {
      if (closed) {
        return;
      }
      servingBackup = false;
      if (response.statusCode() == 304) {
        LOG.debug("Flag source {} is unchanged (304)", safeUrl);
        if (lastFailure != null && current != null) {
          toReport = current;
        }
      } else {
        String newEtag = response.headers().firstValue("ETag").orElse(null);
        FlagDocument document = document(response.body());
        List<FlagDocument> documents = List.of(document);
        if (lastFailure != null || !documents.equals(current)) {
          toReport = documents;
        }
        etag = newEtag;
        current = documents;
      }
      lastFailure = null;
    }
    if (toReport != null) {
      listener.changed(toReport);
    }
  }

  /** Reports a failure once per distinct message, unless the source is closed. */
  private void report(Listener listener, IOException failure) {
    synchronized (lock) {
      if (closed || failure.getMessage().equals(lastFailure)) {
        return;
      }
      lastFailure = failure.getMessage();
    }
    listener.failed(failure);
  }

  /** The body as a flag document, unwrapping flagd's sync response {@code {"flagConfiguration": "..."}}. */
  private FlagDocument document(String body) {
    return new FlagDocument(safeUrl, FlagdSyncResponse.unwrap(body));
  }

  /**
   * Keeps the backup file in step with what {@link dev.progressive.toggles.Toggles} applied: a document that was
   * refused, by the parser or by the compiler, never replaces the backup.
   */
  @Override
  public void applied(List<FlagDocument> documents, boolean accepted) {
    if (!accepted || documents.size() != 1) {
      return;
    }
    synchronized (lock) {
      FlagDocument document = documents.get(0);
      if (current != null && current.equals(documents) && document.origin().equals(safeUrl)) {
        if (backupFile != null) {
          backupFile.write(document.content());
        }
      }
    }
  }

  private static boolean isValid(FlagDocument document) {
    try {
      FlagSetParser.parse(document.origin(), document.content());
      return true;
    } catch (FlagDefinitionException e) {
      return false;
    }
  }

  private boolean backupExists() {
    return backupFile != null && backupFile.exists();
  }

  /** The circuit breaker's state, for tests. */
  CircuitBreaker.State circuitState() {
    return guardedFetch.circuitState();
  }

  /** Stops polling and waits for a poll in progress to end. Idempotent. */
  @Override
  public void close() {
    ScheduledExecutorService s;
    Thread t;
    synchronized (lock) {
      closed = true;
      s = scheduler;
      t = pollingThread;
      scheduler = null;
      pollingThread = null;
    }
    if (s == null) {
      return;
    }
    s.shutdownNow();
    try {
      long waitMillis = timeout.toMillis() + 1_000;
      boolean stopped = s.awaitTermination(waitMillis, TimeUnit.MILLISECONDS);
      if (t != null) {
        t.join(waitMillis);
        stopped &= !t.isAlive();
      }
      if (!stopped) {
        LOG.warn("The polling thread of flag source {} did not stop in time", safeUrl);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "HttpSource[" + safeUrl + "]";
  }

  /** Builds an {@link HttpSource}. Every setter checks its argument at once. */
  public static final class Builder {
    private final URI uri;
    private Duration pollInterval = Duration.ofSeconds(10);
    private Duration timeout = Duration.ofSeconds(5);
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Path backupFile;
    private int retryAttempts = 3;
    private Duration retryBackoff = Duration.ofMillis(200);
    private CircuitBreakerConfig circuitBreakerConfig;
    private HttpClient httpClient;

    private Builder(URI uri) {
      Objects.requireNonNull(uri, "uri");
      String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("uri must be an absolute http or https URL, was " + safe(uri));
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("uri must name a host, was " + safe(uri));
      }
      this.uri = uri;
    }

    /** How long to wait between the end of one poll and the start of the next. Default 10 s. */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = FileSource.positive(pollInterval, "pollInterval");
      return this;
    }

    /** How long connecting, and then each request, may take. Default 5 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = FileSource.positive(timeout, "timeout");
      return this;
    }

    /**
     * A header sent with every request, e.g. {@code header("Authorization", "Bearer " + token)}. Repeatable; a
     * second value for the same name replaces the first. Values are never logged.
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "header name");
      Objects.requireNonNull(value, "header value of " + name);
      if (name.isBlank()) {
        throw new IllegalArgumentException("header name must not be blank");
      }
      if (name.equalsIgnoreCase("If-None-Match")) {
        throw new IllegalArgumentException("header If-None-Match is managed by the source");
      }
      try {
        HttpRequest.newBuilder().header(name, value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("header " + name
            + " cannot be sent: java.net.http refuses its name or its value (restricted or malformed)");
      }
      headers.put(name, value);
      return this;
    }

    /**
     * A file that keeps the last valid document, written atomically after each change, and served by
     * {@link HttpSource#load()} when the server cannot be reached at start. Default: none.
     */
    public Builder backupFile(Path backupFile) {
      Objects.requireNonNull(backupFile, "backupFile");
      if (backupFile.getFileName() == null) {
        throw new IllegalArgumentException("backupFile must name a file, was " + backupFile);
      }
      this.backupFile = backupFile;
      return this;
    }

    /**
     * How often one poll tries: {@code maxAttempts} in all, waiting {@code initialBackoff}, then twice as long each
     * time. Network errors, timeouts, 5xx, 408 and 429 are retried; other statuses are not. Default 3 attempts from
     * 200 ms. {@code maxAttempts} 1 turns retries off.
     */
    public Builder retry(int maxAttempts, Duration initialBackoff) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("retry maxAttempts must be at least 1, was " + maxAttempts);
      }
      this.retryBackoff = FileSource.positive(initialBackoff, "retry initialBackoff");
      this.retryAttempts = maxAttempts;
      return this;
    }

    /**
     * The circuit breaker around each poll (one poll, retries included, is one call). While it is open, polls do
     * not call the server and the source reports that the circuit is open. Default: open when 50% of the last 10
     * polls failed, with at least 5 polls; stay open 30 s; then one trial poll.
     */
    public Builder circuitBreaker(CircuitBreakerConfig config) {
      this.circuitBreakerConfig = Objects.requireNonNull(config, "circuitBreaker");
      return this;
    }

    /**
     * The client to send requests with, e.g. one with a proxy or TLS settings of your own. Its connect timeout is its
     * own; {@link #timeout} still bounds each request. Default: an HTTP/1.1 client that follows no redirect, so
     * that headers such as a token are never sent to another host; a 3xx is a failure.
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    public HttpSource build() {
      return new HttpSource(this);
    }
  }
}
