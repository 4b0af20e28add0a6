package dev.progressive.testing.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A PostgreSQL server of a test's own, which the test may stop and start as an outage does ({@code pg_ctl stop}),
 * unlike the shared {@link TestPostgres#server()}. It runs Debian's (or any installed) PostgreSQL binaries in a
 * temporary directory on a free loopback port; as root, as the {@code postgres} user through {@code runuser}, since
 * PostgreSQL refuses to run as root. {@code .ci/run} exports {@value #BIN_ENV}; otherwise the binaries are looked for
 * on the PATH and in {@code /usr/lib/postgresql/<version>/bin}.
 *
 * <p>When it cannot start, it throws an {@link IllegalStateException} that says why and what to install: a test that
 * needs it fails, it never skips.
 *
 * <pre>{@code
 * try (StoppablePostgres pg = StoppablePostgres.create()) {
 *   DataSource db = pg.dataSource();
 *   pg.stop();   // pg_ctl stop -m fast: sessions are terminated, new connections refused
 *   pg.start();  // back on the same port, with the same data
 * }
 * }</pre>
 */
public final class StoppablePostgres implements AutoCloseable {

  /** The directory of {@code initdb} and {@code pg_ctl}, when not found otherwise. */
  public static final String BIN_ENV = "PROGRESSIVE_TEST_PG_BIN";
  private static final String USER = "postgres";
  private static final long COMMAND_SECONDS = 120;

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final int port;
  private final String password;
  private final List<String> runAs;
  private final int maxConnections;

  private StoppablePostgres(Path bin, Path dir, int port, String password, List<String> runAs, int maxConnections) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.port = port;
    this.password = password;
    this.runAs = runAs;
    this.maxConnections = maxConnections;
  }

  /**
   * Creates a new cluster in a temporary directory and starts it.
   *
   * @throws IllegalStateException when the binaries, the {@code postgres} user (as root) or {@code runuser} are
   *     missing, or the server does not start; the message says which and what to do
   */
  public static StoppablePostgres create() {
    return create(100);
  }

  /**
   * Creates a new cluster as {@link #create()} does, whose server allows the connections given at once
   * ({@code max_connections}; PostgreSQL's default is 100), for a test that exhausts them. The {@code postgres} user is
   * a superuser, so it may use all of them, the {@code superuser_reserved_connections} included.
   *
   * @param maxConnections at least 5
   */
  public static StoppablePostgres create(int maxConnections) {
    if (maxConnections < 5) {
      throw new IllegalArgumentException("maxConnections must be at least 5 (PostgreSQL reserves 3 for "
          + "superusers), was " + maxConnections);
    }
    Path bin = findBin(System.getenv(), Path.of("/usr/lib/postgresql"));
    boolean root = TestPostgres.isRoot();
    List<String> runAs = root ? List.of(runuser(), "-u", USER, "--") : List.of();
    try {
      Path dir = Files.createTempDirectory("progressive-pg-");
      byte[] secret = new byte[12];
      new SecureRandom().nextBytes(secret);
      String password = HexFormat.of().formatHex(secret);
      Path pwfile = dir.resolve("pwfile");
      Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
      if (root) {
        UserPrincipal postgres;
        try {
          postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER);
        } catch (IOException e) {
          throw new IllegalStateException("Running as root, a test's own PostgreSQL must run as the '" + USER
              + "' user, which does not exist: install Debian's postgresql package (bash .ci/run does), or create "
              + "the user", e);
        }
        Files.setOwner(dir, postgres);
        Files.setOwner(pwfile, postgres);
      }
      StoppablePostgres pg = new StoppablePostgres(bin, dir, freePort(), password, runAs, maxConnections);
      pg.run("initdb", List.of("-D", pg.data.toString(), "-U", USER, "--pwfile=" + pwfile,
          "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C"));
      pg.start();
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory for a test's own PostgreSQL", e);
    }
  }

  /** Starts the server again after {@link #stop()} (it is started by {@link #create()}), same port, same data. */
  public void start() {
    run("pg_ctl", List.of("-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
        "start", "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -k " + dir + " -c fsync=off "
            + "-c max_connections=" + maxConnections));
  }

  /** Stops the server as an operator does: {@code pg_ctl stop -m fast}, sessions terminated, data kept. */
  public void stop() {
    run("pg_ctl", List.of("-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop"));
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  public String user() {
    return USER;
  }

  public String password() {
    return password;
  }

  /** How many connections the server allows at once ({@code max_connections}). */
  public int maxConnections() {
    return maxConnections;
  }

  /** A fresh, unpooled data source for the server's {@code postgres} database. */
  public DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(jdbcUrl());
    ds.setUser(USER);
    ds.setPassword(password);
    return ds;
  }

  /** Stops the server (if running) and deletes its directory. */
  @Override
  public void close() {
    try {
      run("pg_ctl", List.of("-D", data.toString(), "-m", "immediate", "-w", "stop"));
    } catch (IllegalStateException alreadyStopped) {
      // stopped by the test, or never started
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + dir, e);
    }
  }

  private void run(String tool, List<String> args) {
    List<String> command = new ArrayList<>(runAs);
    command.add(bin.resolve(tool).toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
    try {
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not end within " + COMMAND_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        String log = "";
        Path serverLog = dir.resolve("server.log");
        if (Files.isReadable(serverLog)) {
          log = "\nserver.log:\n" + Files.readString(serverLog, StandardCharsets.UTF_8);
        }
        throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + p.exitValue() + ":\n"
            + output + log);
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + String.join(" ", command), e);
    }
  }

  /** Where initdb and pg_ctl are: {@value #BIN_ENV}, the PATH, or the newest /usr/lib/postgresql/N/bin. */
  static Path findBin(Map<String, String> env, Path debian) {
    List<Path> candidates = new ArrayList<>();
    String fromEnv = env.get(BIN_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      candidates.add(Path.of(fromEnv.trim()));
    }
    String path = env.getOrDefault("PATH", "");
    for (String entry : path.split(java.io.File.pathSeparator)) {
      if (!entry.isBlank()) {
        candidates.add(Path.of(entry));
      }
    }
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        versions.sorted(Comparator.comparing((Path v) -> versionOf(v)).reversed())
            .forEach(v -> candidates.add(v.resolve("bin")));
      } catch (IOException e) {
        // no Debian layout
      }
    }
    for (Path dir : candidates) {
      if (Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"))) {
        try {
          return dir.resolve("initdb").toRealPath().getParent(); // pg_ctl finds postgres beside its real path
        } catch (IOException e) {
          return dir;
        }
      }
    }
    throw new IllegalStateException("A test needs a PostgreSQL server of its own that it can stop, but initdb and "
        + "pg_ctl were found neither in " + BIN_ENV + ", on the PATH, nor in /usr/lib/postgresql/<version>/bin. "
        + "Install PostgreSQL's server binaries (Debian: apt-get install postgresql; bash .ci/run does this), or set "
        + BIN_ENV + " to their directory.");
  }

  private static int versionOf(Path versionDir) {
    try {
      return Integer.parseInt(versionDir.getFileName().toString().replaceAll("[^0-9].*$", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String runuser() {
    for (String candidate : new String[] {"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"}) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new IllegalStateException("Running as root, a test's own PostgreSQL must run as the '" + USER + "' user "
        + "through runuser, which was not found (it comes with util-linux)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
