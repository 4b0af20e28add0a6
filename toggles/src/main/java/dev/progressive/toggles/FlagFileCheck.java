package dev.progressive.toggles;

import dev.progressive.toggles.bucketing.FractionalHashing;
import dev.progressive.toggles.internal.engine.FlagCompiler;
import dev.progressive.toggles.internal.engine.SourceCompiler;
import dev.progressive.toggles.source.DirectorySource;
import dev.progressive.toggles.source.FileSource;
import dev.progressive.toggles.source.FlagDocument;
import dev.progressive.toggles.source.FlagSource;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks flag files with the strict rules, for CI: every error of every flag, not only the first, each naming the
 * file, the flag and the JSON path. Strict means what {@link InvalidFlags#REFUSE_SOURCE} refuses: everything that is
 * invalid at run time, plus the rules that can only answer null (a {@code sem_ver} against {@code "2.0.0.0"}, an
 * unknown {@code sem_ver} operator, a wrong number of arguments, a negative {@code fractional} weight).
 *
 * <p>Each path is a flag file ({@code .json}, {@code .yaml}, {@code .yml}) or a directory of them, read as
 * {@link FileSource} and {@link DirectorySource} read them: the files of one directory are one set, so a key defined
 * in two of them is an error; separate paths are separate sources, where a later one may redefine a key.
 *
 * <p>From a test (JUnit or any other framework): {@code FlagFileCheck.assertValid(Path.of("src/main/resources/flags"))}.
 * From the command line or a build: {@code java -cp ... dev.progressive.toggles.FlagFileCheck flags.json more/},
 * which prints every error and exits with 1 when there is one (0 when all is valid, 2 for no arguments).
 */
public final class FlagFileCheck {

  private FlagFileCheck() {}

  /**
   * Checks flag files and directories.
   *
   * @return every error found, in path order; empty when all are valid
   */
  public static List<FlagDefinitionException> check(Path... paths) {
    Objects.requireNonNull(paths, "paths");
    SourceCompiler strict = new SourceCompiler(new FlagCompiler(FractionalHashing.v2(), null, true, false), false);
    List<FlagDefinitionException> errors = new ArrayList<>();
    for (Path path : paths) {
      Objects.requireNonNull(path, "path");
      List<FlagDocument> documents;
      try (FlagSource source = Files.isDirectory(path) ? DirectorySource.of(path) : FileSource.of(path)) {
        documents = source.load();
      } catch (Exception e) {
        errors.add(new FlagDefinitionException(path.toString(), null, null, "cannot be read: " + e, e));
        continue;
      }
      errors.addAll(strict.compile(documents, Map.of()).errors());
    }
    return List.copyOf(errors);
  }

  /**
   * Checks flag files and directories, and throws when one is invalid.
   *
   * @throws AssertionError listing every error, one per line, when there is one
   */
  public static void assertValid(Path... paths) {
    List<FlagDefinitionException> errors = check(paths);
    if (!errors.isEmpty()) {
      throw new AssertionError(report(errors));
    }
  }

  /**
   * Checks the flag files and directories named by the arguments, prints every error, and exits with 1 when there is
   * one, 0 when all are valid, 2 without arguments.
   */
  public static void main(String... args) {
    int status = run(System.out, System.err, args);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** What {@link #main} does, without exiting: returns the exit status. */
  static int run(PrintStream out, PrintStream err, String... args) {
    if (args.length == 0) {
      err.println("usage: java -cp <classpath> " + FlagFileCheck.class.getName() + " <flag file or directory>...");
      return 2;
    }
    Path[] paths = new Path[args.length];
    for (int i = 0; i < args.length; i++) {
      paths[i] = Path.of(args[i]);
    }
    List<FlagDefinitionException> errors = check(paths);
    if (errors.isEmpty()) {
      out.println("Flag files are valid: " + String.join(", ", args));
      return 0;
    }
    err.println(report(errors));
    return 1;
  }

  private static String report(List<FlagDefinitionException> errors) {
    StringBuilder sb = new StringBuilder();
    sb.append(errors.size() == 1 ? "1 error" : errors.size() + " errors").append(" in flag files:");
    for (FlagDefinitionException e : errors) {
      sb.append(System.lineSeparator()).append("  ").append(e.getMessage());
    }
    return sb.toString();
  }
}
