package dev.progressive.spring.toggles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.spring.toggles.ProgressiveTogglesProperties.Source;
import dev.progressive.spring.toggles.ProgressiveTogglesProperties.SourceType;
import dev.progressive.toggles.source.ClasspathSource;
import dev.progressive.toggles.source.DirectorySource;
import dev.progressive.toggles.source.FileSource;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.source.HttpSource;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each entry of {@code progressive.toggles.sources} becomes its kind of source, or an error naming the property. */
class FlagSourceFactoryTest {

  private final FlagSourceFactory factory = new FlagSourceFactory(FlagSourceFactoryTest.class.getClassLoader());

  private static Source source(SourceType type, String location) {
    Source source = new Source();
    source.setType(type);
    source.setLocation(location);
    return source;
  }

  @Test
  void aClasspathLocationMayStartWithThePrefixAndSlashes() throws Exception {
    String[] locations = {"flags.json", "classpath:flags.json", "classpath:/flags.json", "//flags.json"};
    for (String location : locations) {
      FlagSource source = factory.create(source(SourceType.CLASSPATH, location), 0);
      assertThat(source).as(location).isInstanceOf(ClasspathSource.class);
      assertThat(source.load()).as(location).isNotEmpty();
    }
  }

  @Test
  void eachTypeBuildsItsSource(@TempDir Path dir) {
    assertThat(factory.create(source(SourceType.FILE, dir.resolve("flags.json").toString()), 0))
        .isInstanceOf(FileSource.class);
    assertThat(factory.create(source(SourceType.DIRECTORY, dir.toString()), 1)).isInstanceOf(DirectorySource.class);
    assertThat(factory.create(source(SourceType.HTTP, "http://127.0.0.1:1/flags.json"), 2))
        .isInstanceOf(HttpSource.class);
  }

  @Test
  void aMissingTypeOrLocationOrABadUrlNamesTheProperty() {
    assertThatThrownBy(() -> factory.create(source(null, "flags.json"), 3))
        .hasMessage("progressive.toggles.sources[3].type must be classpath, file, directory or http");
    assertThatThrownBy(() -> factory.create(source(SourceType.FILE, " "), 1))
        .hasMessage("progressive.toggles.sources[1].location is required");
    assertThatThrownBy(() -> factory.create(source(SourceType.HTTP, "http://bad host/"), 2))
        .hasMessageStartingWith("progressive.toggles.sources[2].location is not a URL: http://bad host/");
  }
}
