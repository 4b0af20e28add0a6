package dev.progressive.testing.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TestPostgresTest {

  @Test
  void aUrlInTheEnvironmentWinsEvenAsRoot() {
    TestPostgres.Choice choice = TestPostgres.choose(Map.of(
        TestPostgres.URL_ENV, "jdbc:postgresql://127.0.0.1:5999/postgres",
        TestPostgres.USER_ENV, "ci",
        TestPostgres.PASSWORD_ENV, "secret"), true);

    assertThat(choice).isEqualTo(new TestPostgres.Choice("jdbc:postgresql://127.0.0.1:5999/postgres", "ci", "secret"));
  }

  @Test
  void userAndPasswordDefaultWhenOnlyTheUrlIsSet() {
    TestPostgres.Choice choice = TestPostgres.choose(Map.of(TestPostgres.URL_ENV, "jdbc:postgresql://h:1/db"), false);

    assertThat(choice.user()).isEqualTo("postgres");
    assertThat(choice.password()).isEmpty();
  }

  @Test
  void withoutUrlANonRootUserGetsTheEmbeddedServer() {
    assertThat(TestPostgres.choose(Map.of(), false)).isNull();
    assertThat(TestPostgres.choose(Map.of(TestPostgres.URL_ENV, "  "), false)).isNull();
  }

  @Test
  void rootWithoutUrlFailsAndSaysHowToProvideAServer() {
    assertThatIllegalStateException()
        .isThrownBy(() -> TestPostgres.choose(Map.of(), true))
        .withMessageContaining("PostgreSQL refuses to run as root")
        .withMessageContaining("bash .ci/run")
        .withMessageContaining(TestPostgres.URL_ENV)
        .withMessageContaining(TestPostgres.USER_ENV)
        .withMessageContaining(TestPostgres.PASSWORD_ENV);
  }

  @Test
  void replacesTheDatabaseInAUrl() {
    assertThat(TestPostgres.withDatabase("jdbc:postgresql://127.0.0.1:5432/postgres", "x"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/x");
    assertThat(TestPostgres.withDatabase("jdbc:postgresql://127.0.0.1:5432/postgres?user=a&password=b", "x"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/x?user=a&password=b");
    assertThat(TestPostgres.withDatabase("jdbc:postgresql://localhost:5432", "x"))
        .isEqualTo("jdbc:postgresql://localhost:5432/x");
    assertThat(TestPostgres.withDatabase("jdbc:postgresql://localhost?ssl=false", "x"))
        .isEqualTo("jdbc:postgresql://localhost/x?ssl=false");
    assertThatIllegalArgumentException().isThrownBy(() -> TestPostgres.withDatabase("jdbc:h2:mem:x", "y"))
        .withMessageContaining("jdbc:h2:mem:x");
  }
}
