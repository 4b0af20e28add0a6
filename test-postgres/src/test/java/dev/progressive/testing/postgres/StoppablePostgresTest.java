package dev.progressive.testing.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a test's own PostgreSQL finds its binaries, and how it says so when it cannot: it never skips silently. */
class StoppablePostgresTest {

  private static void tools(Path dir) throws Exception {
    Files.createDirectories(dir);
    for (String tool : new String[] {"initdb", "pg_ctl"}) {
      Path file = Files.createFile(dir.resolve(tool));
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void binariesNamedByTheEnvironmentComeFirst(@TempDir Path dir) throws Exception {
    Path named = dir.resolve("named");
    tools(named);
    tools(dir.resolve("debian/16/bin"));
    assertThat(StoppablePostgres.findBin(Map.of(StoppablePostgres.BIN_ENV, named.toString(), "PATH", ""),
        dir.resolve("debian"))).isEqualTo(named.toRealPath());
  }

  @Test
  void otherwiseTheNewestDebianVersion(@TempDir Path dir) throws Exception {
    tools(dir.resolve("debian/9.6/bin"));
    tools(dir.resolve("debian/15/bin"));
    tools(dir.resolve("debian/13/bin"));
    assertThat(StoppablePostgres.findBin(Map.of("PATH", ""), dir.resolve("debian")))
        .isEqualTo(dir.resolve("debian/15/bin").toRealPath());
  }

  @Test
  void withoutBinariesTheErrorSaysWhereItLookedAndWhatToInstall(@TempDir Path empty) {
    assertThatThrownBy(() -> StoppablePostgres.findBin(Map.of(StoppablePostgres.BIN_ENV, empty.toString(),
        "PATH", empty.toString()), empty.resolve("no-debian")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(StoppablePostgres.BIN_ENV)
        .hasMessageContaining("/usr/lib/postgresql")
        .hasMessageContaining("apt-get install postgresql");
  }
}
