package dev.progressive.toggles.internal.engine;

import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.internal.definition.FlagDefinition;
import dev.progressive.toggles.internal.definition.FlagSetDocument;
import dev.progressive.toggles.internal.definition.FlagSetParser;
import dev.progressive.toggles.source.FlagDocument;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles what one read of a source gave, flag by flag, against the flags of that source in force: decides which
 * flags apply, which keep their last good definition and which answer PARSE_ERROR.
 */
public final class SourceCompiler {

  private final FlagCompiler compiler;
  private final boolean wholeSource;

  /**
   * @param compiler compiles each flag
   * @param wholeSource whether one error refuses the whole read (the last good flags all stay); when false each
   *     error costs only its flag, or the document that cannot be read at all
   */
  public SourceCompiler(FlagCompiler compiler, boolean wholeSource) {
    this.compiler = compiler;
    this.wholeSource = wholeSource;
  }

  /**
   * What a read compiles to.
   *
   * @param flags the source's flags to put in force: the new ones, and the last good ones of refused flags
   * @param broken the PARSE_ERROR outcome of each refused flag without a last good definition, by key
   * @param errors every error found, in document order: one per refused document or flag
   * @param kept the keys in force whose definition is not what the source now gives (a last good one)
   * @param refusedWhole whether the whole read was refused (only when {@code wholeSource})
   */
  public record Result(Map<String, CompiledFlag> flags, Map<String, EvaluationOutcome> broken,
      List<FlagDefinitionException> errors, Set<String> kept, boolean refusedWhole) {

    /** Whether everything the source gave is in force. */
    public boolean clean() {
      return errors.isEmpty();
    }

    /** A read refused whole by {@code error}: the last good flags stay in force. */
    public static Result refused(Map<String, CompiledFlag> lastGood, FlagDefinitionException error) {
      return new Result(lastGood, Map.of(), List.of(error), Collections.unmodifiableSet(lastGood.keySet()), true);
    }
  }

  /**
   * Compiles a read.
   *
   * @param documents the documents the source gave
   * @param lastGood the source's flags in force now, by key; empty at the first read
   */
  public Result compile(List<FlagDocument> documents, Map<String, CompiledFlag> lastGood) {
    Map<String, CompiledFlag> fresh = new LinkedHashMap<>();
    Map<String, FlagDefinitionException> refused = new LinkedHashMap<>();
    List<FlagDefinitionException> errors = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    Map<String, String> definedIn = new LinkedHashMap<>();
    for (FlagDocument doc : documents) {
      FlagSetDocument parsed;
      Map<String, FlagDefinitionException> invalid = new LinkedHashMap<>();
      try {
        parsed = FlagSetParser.parse(doc.origin(), FlagSetParser.readTree(doc.origin(), doc.content()), invalid);
      } catch (FlagDefinitionException e) {
        errors.add(e);
        unreadable.add(doc.origin());
        continue;
      } catch (RuntimeException e) {
        errors.add(new FlagDefinitionException(doc.origin(), null, null, "could not be read: " + e, e));
        unreadable.add(doc.origin());
        continue;
      }
      compiler.startDocument(parsed.evaluators());
      Set<String> keys = new LinkedHashSet<>(invalid.keySet());
      keys.addAll(parsed.flags().keySet());
      for (String key : keys) {
        String other = definedIn.putIfAbsent(key, doc.origin());
        if (other != null) {
          FlagDefinitionException twice = new FlagDefinitionException(doc.origin(), key, "$.flags." + key,
              "flag '" + key + "' is defined in both " + other + " and " + doc.origin());
          fresh.remove(key);
          refused.put(key, twice);
          errors.add(twice);
          continue;
        }
        FlagDefinitionException error = invalid.get(key);
        if (error == null) {
          error = compileInto(fresh, parsed.flags().get(key), parsed);
        }
        if (error != null) {
          refused.put(key, error);
          errors.add(error);
        }
      }
    }
    if (wholeSource && !errors.isEmpty()) {
      return new Result(lastGood, Map.of(), List.copyOf(errors), Collections.unmodifiableSet(lastGood.keySet()),
          true);
    }
    Map<String, CompiledFlag> flags = new LinkedHashMap<>(fresh);
    Map<String, EvaluationOutcome> broken = new LinkedHashMap<>();
    Set<String> kept = new LinkedHashSet<>();
    for (Map.Entry<String, FlagDefinitionException> e : refused.entrySet()) {
      CompiledFlag good = lastGood.get(e.getKey());
      if (good != null) {
        flags.put(e.getKey(), good);
        kept.add(e.getKey());
      } else {
        broken.put(e.getKey(), compiler.broken(e.getKey(), e.getValue().getMessage()));
      }
    }
    // A document that cannot be read at all keeps the flags it gave last time.
    for (CompiledFlag good : lastGood.values()) {
      if (unreadable.contains(good.definition().origin()) && !flags.containsKey(good.key())
          && !broken.containsKey(good.key())) {
        flags.put(good.key(), good);
        kept.add(good.key());
      }
    }
    return new Result(Collections.unmodifiableMap(flags), Collections.unmodifiableMap(broken), List.copyOf(errors),
        Collections.unmodifiableSet(kept), false);
  }

  /** Compiles one flag into {@code out}; returns its error instead when it cannot be compiled. */
  private FlagDefinitionException compileInto(Map<String, CompiledFlag> out, FlagDefinition flag,
      FlagSetDocument set) {
    try {
      out.put(flag.key(), compiler.compile(flag, set.metadata(), set.evaluators()));
      return null;
    } catch (FlagDefinitionException e) {
      return e;
    } catch (RuntimeException | StackOverflowError e) {
      return new FlagDefinitionException(set.origin(), flag.key(), "$.flags." + flag.key(),
          "could not be compiled: " + e, e instanceof RuntimeException ? e : null);
    }
  }
}
