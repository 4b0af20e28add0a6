package dev.progressive.testing.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * A loopback TCP proxy in front of the test PostgreSQL server, to take "the database" away from a client and give it
 * back, as an outage does, without stopping the server that other tests share.
 *
 * <ul>
 *   <li>{@link #cut()} closes every proxied connection and refuses new ones at once (connections are reset);</li>
 *   <li>{@link #blackhole()} stops forwarding in both directions and holds every connection open, new ones included,
 *       as a network that drops packets without resetting anything: clients wait until their own timeouts;</li>
 *   <li>{@link #delay(Duration)} forwards every chunk of the server's answers that much later: a slow database;</li>
 *   <li>{@link #restore()} ends all of these. Held data is forwarded then, nothing is lost, as TCP would do after a
 *       partition heals.</li>
 * </ul>
 *
 * <pre>{@code
 * try (PostgresProxy proxy = PostgresProxy.to(database)) {
 *   DataSource flaky = proxy.dataSource();
 *   proxy.cut();     // the database is "down" for whoever uses flaky
 *   proxy.restore(); // and back
 * }
 * }</pre>
 */
public final class PostgresProxy implements AutoCloseable {

  private final String targetUrl;
  private final String user;
  private final String password;
  private final String targetHost;
  private final int targetPort;
  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile boolean cut;
  private volatile boolean held;
  private volatile long delayNanos;
  private volatile boolean closed;

  private PostgresProxy(String targetUrl, String user, String password) throws IOException {
    this.targetUrl = targetUrl;
    this.user = user;
    this.password = password;
    URI uri = URI.create(targetUrl.substring("jdbc:".length()));
    this.targetHost = uri.getHost();
    this.targetPort = uri.getPort() < 0 ? 5432 : uri.getPort();
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "postgres-proxy-" + server.getLocalPort());
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  /** A proxy to a database of the test server. */
  public static PostgresProxy to(TestPostgres.Database database) {
    return to(database.jdbcUrl(), database.user(), database.password());
  }

  /** The proxy's port on 127.0.0.1. */
  public int port() {
    return server.getLocalPort();
  }

  /** A proxy to any PostgreSQL database, such as one of a {@link StoppablePostgres}. */
  public static PostgresProxy to(String jdbcUrl, String user, String password) {
    try {
      return new PostgresProxy(jdbcUrl, user, password);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open a proxy port on loopback", e);
    }
  }

  /** The database's JDBC URL through the proxy. */
  public String jdbcUrl() {
    String url = targetUrl;
    int hostStart = url.indexOf("//") + 2;
    int pathStart = url.indexOf('/', hostStart);
    return url.substring(0, hostStart) + "127.0.0.1:" + port() + url.substring(pathStart);
  }

  /** A fresh, unpooled data source for the database through the proxy, with short connect and socket timeouts. */
  public DataSource dataSource() {
    org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
    ds.setUrl(jdbcUrl());
    ds.setUser(user);
    ds.setPassword(password);
    ds.setConnectTimeout(2);
    ds.setSocketTimeout(10);
    return ds;
  }

  /** Takes the database away: closes every proxied connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  /**
   * Stops forwarding, in both directions, on every connection, new ones included, without closing any: packets are
   * dropped and nothing is reset. Undone by {@link #restore()}.
   */
  public void blackhole() {
    held = true;
    signal();
  }

  /** Forwards every chunk of the server's answers this much later (zero for none), until {@link #restore()}. */
  public void delay(Duration delay) {
    delayNanos = delay.toNanos();
    signal();
  }

  /** Gives the database back: connections are accepted, forwarded at once, and held data flows again. */
  public void restore() {
    cut = false;
    held = false;
    delayNanos = 0;
    signal();
  }

  public boolean isCut() {
    return cut;
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits while the network is held, and then until the chunk read at {@code readAt} is due; false when the proxy
   * was closed or the connection cut meanwhile.
   */
  private boolean awaitForwarding(long readAt, boolean fromServer) throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        if (closed || cut) {
          return false;
        }
        if (held) {
          changed.await();
          continue;
        }
        long due = fromServer ? readAt + delayNanos - System.nanoTime() : 0;
        if (due <= 0) {
          return true;
        }
        changed.awaitNanos(due);
      }
    } finally {
      lock.unlock();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      if (cut) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(targetHost, targetPort), 2_000);
        open.add(client);
        open.add(upstream);
        pump(client, upstream, false);
        pump(upstream, client, true);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to, boolean fromServer) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (!awaitForwarding(System.nanoTime(), fromServer)) {
            break;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException ignored) {
        // the other side or cut() closed the connection
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    }, "postgres-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    signal();
    cut();
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
