package dev.progressive.toggles.internal.store;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;

/**
 * Sorts a database error by whose fault it is: the database could not be reached in time (worth a retry, and counted
 * by the circuit breaker), the data sent was refused (the caller's error), or something else.
 */
public final class SqlFailures {

  /** What kind of failure an {@link SQLException} is. */
  public enum Kind {
    /** The database was not reached or did not answer in time: connection errors, timeouts, shutdowns. */
    UNREACHABLE,
    /** The database refused the data: SQLState class 22 (data exception) or 23 (integrity constraint). */
    DATA,
    /** Anything else, such as a missing table or a refused schema: the store does not work, but a retry won't help. */
    OTHER
  }

  private SqlFailures() {}

  /** The kind of a database error, from its type, its SQLState and its causes. */
  public static Kind classify(SQLException e) {
    String state = e.getSQLState();
    if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
      return Kind.DATA;
    }
    if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
        || e instanceof SQLRecoverableException || e instanceof SQLTimeoutException
        || e instanceof SQLTransientException) {
      return Kind.UNREACHABLE;
    }
    if (state != null && (state.startsWith("08") // connection exception
        || state.startsWith("53") // insufficient resources, e.g. too many connections
        || state.startsWith("57P") // admin or crash shutdown, cannot connect now
        || state.equals("57014") // statement cancelled: our query timeout
        || state.startsWith("40") // serialization failure or deadlock: transient
        || state.equals("HYT00") || state.equals("HYT01"))) { // timeouts
      return Kind.UNREACHABLE;
    }
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException) {
        return Kind.UNREACHABLE;
      }
    }
    return Kind.OTHER;
  }
}
