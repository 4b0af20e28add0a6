package dev.progressive.toggles.internal.store;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** Connections and data sources that do what a test says, and count what was done to them. */
final class FakeJdbc {

  private FakeJdbc() {}

  /** What a fake data source does when asked for a connection. */
  @FunctionalInterface
  interface Connector {
    Connection connect() throws SQLException;
  }

  /** A connection whose statements all fail with the given error; it counts down {@code closed} when closed. */
  static Connection connection(SQLException onPrepare, CountDownLatch closed) {
    return (Connection) Proxy.newProxyInstance(FakeJdbc.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "close" -> {
            closed.countDown();
            yield null;
          }
          case "isClosed" -> closed.getCount() == 0;
          case "getNetworkTimeout" -> 0;
          case "getAutoCommit" -> true;
          case "prepareStatement", "createStatement" -> throw onPrepare;
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> "fake connection";
          default -> null;
        });
  }

  static DataSource dataSource(Connector connector, AtomicInteger calls) {
    return new DataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        calls.incrementAndGet();
        return connector.connect();
      }

      @Override
      public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
      }

      @Override
      public PrintWriter getLogWriter() {
        return null;
      }

      @Override
      public void setLogWriter(PrintWriter out) {}

      @Override
      public void setLoginTimeout(int seconds) {}

      @Override
      public int getLoginTimeout() {
        return 0;
      }

      @Override
      public Logger getParentLogger() {
        return Logger.getGlobal();
      }

      @Override
      public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
      }

      @Override
      public boolean isWrapperFor(Class<?> iface) {
        return false;
      }
    };
  }
}
