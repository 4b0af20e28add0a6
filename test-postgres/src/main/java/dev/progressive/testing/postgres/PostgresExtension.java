package dev.progressive.testing.postgres;

import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class a database of its own on {@link TestPostgres#server()}, dropped after the class.
 *
 * <p>Declare a parameter of type {@link DataSource} or {@link TestPostgres.Database} on a test method, a lifecycle
 * method or the constructor:
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class JdbcStoreIT {
 *   @Test
 *   void writes(DataSource db) { ... }
 * }
 * }</pre>
 */
public final class PostgresExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PostgresExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == DataSource.class || type == TestPostgres.Database.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext classContext = classContext(context);
    TestPostgres.Database database = classContext.getStore(NAMESPACE)
        .computeIfAbsent(classContext.getRequiredTestClass().getName(),
            key -> new ClosingDatabase(TestPostgres.server().createDatabase()), ClosingDatabase.class)
        .database();
    return parameter.getParameter().getType() == DataSource.class ? database.dataSource() : database;
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    if (current.getTestClass().isEmpty()) {
      throw new ParameterResolutionException("PostgresExtension resolves parameters inside a test class only");
    }
    return current;
  }

  /** Stored in the class-level store, so JUnit closes it (dropping the database) when the class is done. */
  private record ClosingDatabase(TestPostgres.Database database) implements AutoCloseable {
    @Override
    public void close() {
      database.close();
    }
  }
}
