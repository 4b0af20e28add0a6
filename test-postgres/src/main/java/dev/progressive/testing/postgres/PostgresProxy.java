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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * A loopback TCP proxy in front of the test PostgreSQL server, to take "the database" away from a client and give it
 * back, as an outage does, without stopping the server that other tests share. {@link #cut()} closes every proxied
 * connection and refuses new ones at once; {@link #restore()} lets them through again.
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

  private final TestPostgres.Database database;
  private final String targetHost;
  private final int targetPort;
  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean cut;
  private volatile boolean closed;

  private PostgresProxy(TestPostgres.Database database) throws IOException {
    this.database = database;
    URI uri = URI.create(database.jdbcUrl().substring("jdbc:".length()));
    this.targetHost = uri.getHost();
    this.targetPort = uri.getPort() < 0 ? 5432 : uri.getPort();
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "postgres-proxy-" + server.getLocalPort());
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  /** A proxy to a database of the test server. */
  public static PostgresProxy to(TestPostgres.Database database) {
    try {
      return new PostgresProxy(database);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open a proxy port on loopback", e);
    }
  }

  /** The proxy's port on 127.0.0.1. */
  public int port() {
    return server.getLocalPort();
  }

  /** The database's JDBC URL through the proxy. */
  public String jdbcUrl() {
    String url = database.jdbcUrl();
    int hostStart = url.indexOf("//") + 2;
    int pathStart = url.indexOf('/', hostStart);
    return url.substring(0, hostStart) + "127.0.0.1:" + port() + url.substring(pathStart);
  }

  /** A fresh, unpooled data source for the database through the proxy, with short connect and socket timeouts. */
  public DataSource dataSource() {
    org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
    ds.setUrl(jdbcUrl());
    ds.setUser(database.user());
    ds.setPassword(database.password());
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

  /** Gives the database back. */
  public void restore() {
    cut = false;
  }

  public boolean isCut() {
    return cut;
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
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
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
    cut();
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
