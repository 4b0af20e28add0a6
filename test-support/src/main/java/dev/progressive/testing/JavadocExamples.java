package dev.progressive.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the code examples of javadoc ({@code <pre>{@code ...}</pre>} blocks) equal to regions of compiled test
 * sources, so that an example cannot drift from the API: the same idea as Caffeine's {@code {@snippet class=...
 * region=...}}, which needs the JDK 18+ javadoc tool, checked by a test instead so that the build runs on Java 17.
 *
 * <p>A region is marked in a test source as in {@code @snippet}: {@code // @start region="Toggles"} and
 * {@code // @end}. The n-th example of a class {@code Toggles} is the region {@code Toggles} (n = 1) or
 * {@code Toggles-n}. The lines are compared one to one, the region's common indentation removed; a {@code ...} in
 * the javadoc stands for any text on its line (so that {@code { ... }} may be a real body in the region).
 */
public final class JavadocExamples {

  private static final Pattern EXAMPLE = Pattern.compile("<pre>\\{@code\\n(.*?)\\n\\s*\\*\\s*}</pre>",
      Pattern.DOTALL);
  private static final Pattern START = Pattern.compile("//\\s*@start\\s+region=\"([^\"]+)\"");
  private static final Pattern END = Pattern.compile("//\\s*@end\\b");

  private JavadocExamples() {
  }

  /**
   * The code examples of a source file's javadoc, in order, with the leading {@code *} of each line removed.
   *
   * @param source a Java source file
   * @return the examples, each as its lines
   * @throws IOException when the file cannot be read
   */
  public static List<List<String>> examples(Path source) throws IOException {
    List<List<String>> out = new ArrayList<>();
    Matcher m = EXAMPLE.matcher(Files.readString(source));
    while (m.find()) {
      List<String> lines = new ArrayList<>();
      for (String line : m.group(1).split("\n", -1)) {
        String stripped = line.replaceFirst("^\\s*\\* ?", "");
        lines.add(stripped.stripTrailing());
      }
      out.add(lines);
    }
    return out;
  }

  /**
   * The regions marked in a source file, by name, with their common indentation removed.
   *
   * @param source a Java source file
   * @return the regions
   * @throws IOException when the file cannot be read
   */
  public static Map<String, List<String>> regions(Path source) throws IOException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String name = null;
    List<String> lines = null;
    for (String line : Files.readAllLines(source)) {
      Matcher start = START.matcher(line);
      if (start.find()) {
        name = start.group(1);
        lines = new ArrayList<>();
      } else if (END.matcher(line).find() && name != null) {
        out.put(name, dedent(lines));
        name = null;
      } else if (name != null) {
        lines.add(line.stripTrailing());
      }
    }
    if (name != null) {
      throw new IllegalArgumentException(source + ": region \"" + name + "\" has no // @end");
    }
    return out;
  }

  private static List<String> dedent(List<String> lines) {
    int indent = Integer.MAX_VALUE;
    for (String line : lines) {
      if (!line.isBlank()) {
        indent = Math.min(indent, line.length() - line.stripLeading().length());
      }
    }
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      out.add(line.isBlank() ? "" : line.substring(indent));
    }
    return out;
  }

  /**
   * Checks that every example in the javadoc of {@code source} is the region of {@code snippets} named after the
   * class (and its number), line by line.
   *
   * @param source the documented class's source file, such as {@code src/main/java/.../Toggles.java}
   * @param snippets the compiled test source holding the regions
   * @return how many examples were checked
   * @throws AssertionError naming the class, the example and the first line that differs
   * @throws IOException when a file cannot be read
   */
  public static int check(Path source, Path snippets) throws IOException {
    String type = source.getFileName().toString().replace(".java", "");
    List<List<String>> examples = examples(source);
    Map<String, List<String>> regions = regions(snippets);
    for (int i = 0; i < examples.size(); i++) {
      String region = i == 0 ? type : type + "-" + (i + 1);
      List<String> expected = regions.get(region);
      if (expected == null) {
        throw new AssertionError(source + ": example " + (i + 1) + " has no region \"" + region + "\" in " + snippets
            + "; add one with // @start region=\"" + region + "\" ... // @end");
      }
      compare(source, region, examples.get(i), expected);
    }
    return examples.size();
  }

  /**
   * Checks every javadoc example under a source root (the {@code internal} packages left out, as users never read
   * them) against the regions of one snippets file, so that an example added later without a region fails too.
   *
   * @param mainRoot a source root such as {@code src/main/java}
   * @param snippets the compiled test source holding the regions
   * @param excluded simple names of classes whose examples are not checked (each must exist and have examples)
   * @return the classes checked, by simple name, with how many examples each has
   * @throws AssertionError for the first example that has no region or differs from it
   * @throws IOException when a file cannot be read
   */
  public static Map<String, Integer> checkAll(Path mainRoot, Path snippets, java.util.Set<String> excluded)
      throws IOException {
    Map<String, Integer> checked = new java.util.TreeMap<>();
    java.util.Set<String> seenExcluded = new java.util.TreeSet<>();
    List<Path> sources;
    try (java.util.stream.Stream<Path> files = Files.walk(mainRoot)) {
      sources = files.filter(f -> f.toString().endsWith(".java"))
          .filter(f -> !mainRoot.relativize(f).toString().replace('\\', '/').contains("/internal/"))
          .sorted().toList();
    }
    for (Path source : sources) {
      if (examples(source).isEmpty()) {
        continue;
      }
      String type = source.getFileName().toString().replace(".java", "");
      if (excluded.contains(type)) {
        seenExcluded.add(type);
        continue;
      }
      checked.put(type, check(source, snippets));
    }
    if (!seenExcluded.equals(new java.util.TreeSet<>(excluded))) {
      throw new AssertionError("Excluded classes without javadoc examples (remove them from the exclusions): "
          + new java.util.TreeSet<>(excluded).stream().filter(e -> !seenExcluded.contains(e)).toList());
    }
    return checked;
  }

  private static void compare(Path source, String region, List<String> example, List<String> code) {
    for (int line = 0; line < Math.max(example.size(), code.size()); line++) {
      String documented = line < example.size() ? example.get(line) : "(nothing)";
      String compiled = line < code.size() ? code.get(line) : "(nothing)";
      if (!matches(documented, compiled)) {
        throw new AssertionError(source + ": example \"" + region + "\" differs from its region at line "
            + (line + 1) + ":\n  javadoc: " + documented + "\n  region:  " + compiled);
      }
    }
  }

  private static boolean matches(String documented, String compiled) {
    if (!documented.contains("...")) {
      return documented.equals(compiled);
    }
    StringBuilder regex = new StringBuilder();
    String[] parts = documented.split("\\.\\.\\.", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(parts[i]));
    }
    return compiled.matches(regex.toString());
  }
}
