package dev.progressive.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * A module of an application that uses ours, compiled with {@code javac} against our compiled module and its
 * dependencies on the module path, the way a modular consumer sees the library. The module path holds only the
 * modules that ours requires, transitively, found among the test class path's entries.
 */
public final class ModuleConsumer {

  private final Path moduleLocation;
  private final ModuleDescriptor descriptor;
  private final List<Path> modulePath;

  private ModuleConsumer(Path moduleLocation, ModuleDescriptor descriptor, List<Path> modulePath) {
    this.moduleLocation = moduleLocation;
    this.descriptor = descriptor;
    this.modulePath = modulePath;
  }

  /** The module that holds {@code type}, as built: its classes directory or jar must contain a module-info.class. */
  public static ModuleConsumer of(Class<?> type) {
    Path location;
    try {
      location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    ModuleReference own = ModuleFinder.of(location).findAll().stream().findFirst()
        .orElseThrow(() -> new IllegalStateException("no module at " + location));
    if (own.descriptor().isAutomatic()) {
      throw new IllegalStateException(location + " has no module-info.class");
    }
    Map<String, Path> byName = new LinkedHashMap<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path path = Path.of(entry);
      if (path.equals(location) || !Files.exists(path)) {
        continue;
      }
      moduleName(path).ifPresent(name -> byName.putIfAbsent(name, path));
    }
    List<Path> modulePath = new ArrayList<>();
    modulePath.add(location);
    Deque<String> todo = new ArrayDeque<>();
    Set<String> seen = new LinkedHashSet<>();
    own.descriptor().requires().forEach(r -> todo.add(r.name()));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (!seen.add(name) || !byName.containsKey(name)) {
        continue; // a platform module, or an optional one that is absent
      }
      Path path = byName.get(name);
      modulePath.add(path);
      ModuleFinder.of(path).find(name).ifPresent(ref -> ref.descriptor().requires()
          .forEach(r -> todo.add(r.name())));
    }
    return new ModuleConsumer(location, own.descriptor(), modulePath);
  }

  private static Optional<String> moduleName(Path path) {
    try {
      return ModuleFinder.of(path).findAll().stream().findFirst().map(ref -> ref.descriptor().name());
    } catch (RuntimeException e) {
      return Optional.empty(); // not a valid module (for example a jar with an illegal automatic name)
    }
  }

  public ModuleDescriptor descriptor() {
    return descriptor;
  }

  /** Our module's packages that are not exported. */
  public Set<String> concealedPackages() {
    Set<String> exported = descriptor.exports().stream().map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet());
    return descriptor.packages().stream().filter(p -> !exported.contains(p))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** One public top-level class of {@code pkg}, the kind a consumer would be tempted to use. */
  public String aPublicClassIn(String pkg) {
    Path dir = moduleLocation.resolve(pkg.replace('.', '/'));
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files.sorted()::iterator) {
        String simple = file.getFileName().toString();
        if (!simple.endsWith(".class") || simple.contains("$") || simple.equals("package-info.class")) {
          continue;
        }
        String name = pkg + "." + simple.substring(0, simple.length() - ".class".length());
        if (Modifier.isPublic(Class.forName(name, false, getClass().getClassLoader()).getModifiers())) {
          return name;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
    throw new IllegalStateException("no public class in " + pkg);
  }

  /**
   * Compiles a consumer module named {@code consumer} that requires ours, with one class whose body is given.
   *
   * @return the compiler's errors, empty when it compiled
   */
  public List<Diagnostic<? extends JavaFileObject>> compile(Path workDir, String classBody) throws IOException {
    Path src = workDir.resolve("src");
    Path out = workDir.resolve("out");
    Files.createDirectories(src.resolve("consumer"));
    Files.createDirectories(out);
    Path moduleInfo = Files.writeString(src.resolve("module-info.java"),
        "module consumer { requires " + descriptor.name() + "; }\n");
    Path type = Files.writeString(src.resolve("consumer/Consumer.java"),
        "package consumer;\n\npublic class Consumer {\n" + classBody + "\n}\n");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
      // An empty class path: javac in this JVM would otherwise see the tests' class path, where nothing is sealed.
      List<String> options = List.of("--release", "17", "-proc:none", "-d", out.toString(), "--class-path",
          out.toString(), "--module-path",
          modulePath.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
      javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(moduleInfo, type)).call();
    }
    return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .collect(Collectors.toList());
  }

  /** The errors, one per line, for assertion messages. */
  public static String describe(List<Diagnostic<? extends JavaFileObject>> errors) {
    return errors.stream().map(d -> d.getCode() + ": " + d.getMessage(null)).collect(Collectors.joining("\n"));
  }
}
