package dev.progressive.spring.toggles;

import dev.progressive.toggles.InvalidFlags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of feature toggles: where flag definitions come from, where ops' runtime changes are kept, and how
 * the OpenFeature provider is registered.
 */
@ConfigurationProperties("progressive.toggles")
public class ProgressiveTogglesProperties {

  /** Whether to configure feature toggles (a {@code Toggles} bean, its provider and its client). */
  private boolean enabled = true;

  /**
   * Flag sources, read in order: a later source wins for a key defined by several. Each has a type (classpath, file,
   * directory or http) and a location.
   */
  private List<Source> sources = new ArrayList<>();

  /**
   * Whether startup fails when a source is unreadable or holds an invalid flag. Otherwise an unreadable source starts
   * DOWN, an invalid flag answers PARSE_ERROR, and each is applied as soon as it is valid.
   */
  private boolean requireValidSources = false;

  /**
   * What an invalid flag in a source costs: refuse-flag (only that flag, which keeps its last good definition or
   * answers PARSE_ERROR), refuse-source (the source's whole change) or as-flagd.
   */
  private InvalidFlags invalidFlags = InvalidFlags.REFUSE_FLAG;

  /** Where runtime changes made by ops are kept: memory (one instance) or jdbc (the application's DataSource). */
  private StoreType store = StoreType.MEMORY;

  /** Options of the JDBC store, used when the store is jdbc. */
  private final Jdbc jdbc = new Jdbc();

  /** How the OpenFeature provider is registered. */
  private final OpenFeature openFeature = new OpenFeature();

  /** What a change through the toggles endpoint must hold. */
  private final Admin admin = new Admin();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public List<Source> getSources() {
    return sources;
  }

  public void setSources(List<Source> sources) {
    this.sources = sources;
  }

  public boolean isRequireValidSources() {
    return requireValidSources;
  }

  public void setRequireValidSources(boolean requireValidSources) {
    this.requireValidSources = requireValidSources;
  }

  public InvalidFlags getInvalidFlags() {
    return invalidFlags;
  }

  public void setInvalidFlags(InvalidFlags invalidFlags) {
    this.invalidFlags = invalidFlags;
  }

  public StoreType getStore() {
    return store;
  }

  public void setStore(StoreType store) {
    this.store = store;
  }

  public Jdbc getJdbc() {
    return jdbc;
  }

  public OpenFeature getOpenFeature() {
    return openFeature;
  }

  public Admin getAdmin() {
    return admin;
  }

  /** The kinds of flag source that can be configured by properties. */
  public enum SourceType {
    /** A resource on the application's classpath, read once at startup. */
    CLASSPATH,
    /** A file, watched for changes. */
    FILE,
    /** Every JSON and YAML file of a directory, merged and watched. */
    DIRECTORY,
    /** A document served over HTTP (a flag server, or flagd's sync endpoint), polled with ETag. */
    HTTP
  }

  /** The kinds of store for runtime changes. */
  public enum StoreType {
    /** In the process: changes are lost on restart and not shared between instances. */
    MEMORY,
    /** In the application's database, shared by every instance, with an audit table. */
    JDBC
  }

  /** One flag source. */
  public static class Source {

    /** The kind of source. */
    private SourceType type = SourceType.CLASSPATH;

    /**
     * Where the definitions are: a resource name for classpath (a leading "classpath:" is allowed), a path for file
     * and directory, a URL for http.
     */
    private String location;

    /** How long an http source waits to connect and for each answer. The library's default (5s) when not set. */
    private Duration timeout;

    /** Headers an http source sends with every request, e.g. Authorization. Their values are never logged. */
    private Map<String, String> headers = new LinkedHashMap<>();

    /**
     * A file in which an http source keeps the last document that was applied, served at startup when the server
     * cannot be reached. None when not set.
     */
    private String backupFile;

    /**
     * How often a file or directory source is read again as a safety net besides watching it, or an http source is
     * polled. The library's defaults (5s for files, 10s for http) when not set.
     */
    private Duration pollInterval;

    /**
     * How long a file or directory source waits after a burst of change events before reading. The library's
     * default when not set.
     */
    private Duration debounce;

    public SourceType getType() {
      return type;
    }

    public void setType(SourceType type) {
      this.type = type;
    }

    public String getLocation() {
      return location;
    }

    public void setLocation(String location) {
      this.location = location;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public Duration getDebounce() {
      return debounce;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public Map<String, String> getHeaders() {
      return headers;
    }

    public void setHeaders(Map<String, String> headers) {
      this.headers = headers;
    }

    public String getBackupFile() {
      return backupFile;
    }

    public void setBackupFile(String backupFile) {
      this.backupFile = backupFile;
    }

    public void setDebounce(Duration debounce) {
      this.debounce = debounce;
    }
  }

  /** Options of the JDBC store. */
  public static class Jdbc {

    /** Prefix of the store's table names. */
    private String tablePrefix = "progressive_";

    /** How often every instance polls for changes, the safety net behind PostgreSQL's LISTEN/NOTIFY. */
    private Duration pollInterval = Duration.ofSeconds(5);

    /** Whether to hear of changes at once through PostgreSQL's LISTEN/NOTIFY (ignored on other databases). */
    private boolean listenNotify = true;

    /**
     * The budget of one database call, retries included, whatever the connection pool's own timeouts: getting a
     * connection, every statement, and the waits between tries. A write answers within it, stored or refused (503).
     */
    private Duration timeout = Duration.ofSeconds(2);

    /** How often the LISTEN connection proves that it still answers (PostgreSQL only). */
    private Duration heartbeat = Duration.ofSeconds(1);

    /** How many times a failed database call is tried in all, within the timeout. */
    private int retryAttempts = 3;

    /** The first wait between two tries of a failed database call; it grows exponentially. */
    private Duration retryWait = Duration.ofMillis(100);

    /** How long the circuit breaker stays open, failing writes fast, before it tries the database again. */
    private Duration circuitOpenWait = Duration.ofSeconds(10);

    /** The longest wait between two attempts to reopen a lost LISTEN connection. */
    private Duration reconnectMax = Duration.ofSeconds(2);

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public Duration getHeartbeat() {
      return heartbeat;
    }

    public void setHeartbeat(Duration heartbeat) {
      this.heartbeat = heartbeat;
    }

    public String getTablePrefix() {
      return tablePrefix;
    }

    public void setTablePrefix(String tablePrefix) {
      this.tablePrefix = tablePrefix;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public boolean isListenNotify() {
      return listenNotify;
    }

    public void setListenNotify(boolean listenNotify) {
      this.listenNotify = listenNotify;
    }

    public int getRetryAttempts() {
      return retryAttempts;
    }

    public void setRetryAttempts(int retryAttempts) {
      this.retryAttempts = retryAttempts;
    }

    public Duration getRetryWait() {
      return retryWait;
    }

    public void setRetryWait(Duration retryWait) {
      this.retryWait = retryWait;
    }

    public Duration getCircuitOpenWait() {
      return circuitOpenWait;
    }

    public void setCircuitOpenWait(Duration circuitOpenWait) {
      this.circuitOpenWait = circuitOpenWait;
    }

    public Duration getReconnectMax() {
      return reconnectMax;
    }

    public void setReconnectMax(Duration reconnectMax) {
      this.reconnectMax = reconnectMax;
    }
  }

  /** How the OpenFeature provider is registered with {@code OpenFeatureAPI}. */
  public static class OpenFeature {

    /** Whether to register the provider with OpenFeature and offer a {@code Client} bean. */
    private boolean enabled = true;

    /**
     * The OpenFeature domain to register the provider under; when not set, it becomes the default provider. The
     * {@code Client} bean is bound to the same domain.
     */
    private String domain;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getDomain() {
      return domain;
    }

    public void setDomain(String domain) {
      this.domain = domain;
    }
  }

  /** What a change through the toggles endpoint must hold. */
  public static class Admin {

    /**
     * The longest reason, actor and flag key of a change, in characters. Longer ones are refused with a 400 that
     * names the field, and nothing is stored.
     */
    private int maxReasonLength = 1_000;

    public int getMaxReasonLength() {
      return maxReasonLength;
    }

    public void setMaxReasonLength(int maxReasonLength) {
      this.maxReasonLength = maxReasonLength;
    }
  }
}
