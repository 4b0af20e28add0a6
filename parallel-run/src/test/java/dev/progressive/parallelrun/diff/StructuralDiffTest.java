package dev.progressive.parallelrun.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Values become trees and are compared path by path. */
class StructuralDiffTest {

  enum Status { OPEN, CLOSED }

  record Line(String sku, BigDecimal price, int quantity) {
  }

  record Order(UUID id, Status status, Instant at, List<Line> items, Map<String, String> meta) {
  }

  /** A bean: compared through its getters. */
  public static final class Customer {
    private final String name;
    private final boolean vip;

    Customer(String name, boolean vip) {
      this.name = name;
      this.vip = vip;
    }

    public String getName() {
      return name;
    }

    public boolean isVip() {
      return vip;
    }
  }

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();

  private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000001");
  private static final Instant AT = Instant.parse("2026-11-22T00:00:00Z");

  private static Order order(String price, Status status, Map<String, String> meta, Line... extra) {
    List<Line> lines = new java.util.ArrayList<>(List.of(new Line("a", new BigDecimal("1.50"), 1),
        new Line("b", new BigDecimal("2.00"), 2), new Line("c", new BigDecimal(price), 1)));
    lines.addAll(List.of(extra));
    return new Order(ID, status, AT, lines, meta);
  }

  private static List<String> diff(DiffOptions options, Object control, Object candidate) {
    return StructuralDiff.of(options).diff(control, candidate).stream().map(Difference::toString).toList();
  }

  @Test
  void equalRecordsHaveNoDifference() {
    assertThat(StructuralDiff.defaults().diff(order("10.00", Status.OPEN, Map.of()),
        order("10.00", Status.OPEN, Map.of()))).isEmpty();
  }

  @Test
  void aChangedNestedFieldIsReportedByItsPath() {
    assertThat(diff(DiffOptions.defaults(), order("10.00", Status.OPEN, Map.of()),
        order("10.0", Status.CLOSED, Map.of())))
        .containsExactly("status: \"OPEN\" ≠ \"CLOSED\"", "items[2].price: 10.00 ≠ 10.0");
  }

  @Test
  void missingAndAddedFieldsAndElementsAreAbsentOnOneSide() {
    Map<String, Object> control = new LinkedHashMap<>();
    control.put("a", 1);
    control.put("list", List.of(1, 2));
    Map<String, Object> candidate = new LinkedHashMap<>();
    candidate.put("list", List.of(1, 2, 3));
    candidate.put("b", "x");

    assertThat(diff(DiffOptions.defaults(), control, candidate))
        .containsExactly("a: 1 ≠ (absent)", "list[2]: (absent) ≠ 3", "b: (absent) ≠ \"x\"");
  }

  @Test
  void ignoredPathsHideWholeSubtreesWithWildcards() {
    Order control = order("10.00", Status.OPEN, Map.of("requestId", "r-1", "region", "eu"));
    Order candidate = new Order(ID, Status.OPEN, AT.plusSeconds(5), List.of(new Line("a", new BigDecimal("1.50"), 9),
        new Line("b", new BigDecimal("2.00"), 8), new Line("c", new BigDecimal("10.00"), 7)),
        Map.of("requestId", "r-2", "region", "eu"));

    assertThat(diff(DiffOptions.builder().ignorePaths("at", "items[*].quantity", "meta.requestId").build(),
        control, candidate)).isEmpty();
    assertThat(diff(DiffOptions.builder().ignorePaths("**.quantity", "*.requestId", "$.at").build(),
        control, candidate)).isEmpty();
    assertThat(diff(DiffOptions.builder().ignorePaths("items[0]", "at", "meta").build(), control, candidate))
        .containsExactly("items[1].quantity: 2 ≠ 8", "items[2].quantity: 1 ≠ 7");
  }

  @Test
  void numbersMustBeWrittenAlikeUnlessAToleranceIsGiven() {
    assertThat(diff(DiffOptions.defaults(), new BigDecimal("10.00"), 10.0)).containsExactly("$: 10.00 ≠ 10.0");
    assertThat(diff(DiffOptions.defaults(), 3, 3L)).isEmpty();
    DiffOptions tolerant = DiffOptions.builder().numericTolerance(new BigDecimal("0.005")).build();
    assertThat(diff(tolerant, new BigDecimal("10.00"), 10.004)).isEmpty();
    assertThat(diff(tolerant, new BigDecimal("10.00"), 10.01)).containsExactly("$: 10.00 ≠ 10.01");
  }

  @Test
  void arraysCanBeComparedWithoutOrder() {
    List<Object> control = List.of(Map.of("id", 1), Map.of("id", 2), Map.of("id", 3));
    List<Object> shuffled = List.of(Map.of("id", 3), Map.of("id", 1), Map.of("id", 2));
    List<Object> changed = List.of(Map.of("id", 3), Map.of("id", 1), Map.of("id", 4));

    assertThat(diff(DiffOptions.defaults(), control, shuffled)).hasSize(3);
    DiffOptions unordered = DiffOptions.builder().ignoreArrayOrder(true).build();
    assertThat(diff(unordered, control, shuffled)).isEmpty();
    assertThat(diff(unordered, control, changed)).containsExactly("[1].id: 2 ≠ 4");
  }

  @Test
  void jsonTreesBeansOptionalsAndArraysAreWalkedAlike() throws Exception {
    Object fromJson = JSON.readTree("{\"name\":\"Ada\",\"vip\":true,\"tags\":[\"x\",\"y\"],\"total\":10.00}");
    Map<String, Object> fromMap = Map.of("name", "Ada", "vip", false, "tags", new String[] {"x", "z"},
        "total", Optional.of(new BigDecimal("10.0")));

    assertThat(diff(DiffOptions.defaults(), fromJson, fromMap))
        .containsExactlyInAnyOrder("vip: true ≠ false", "tags[1]: \"y\" ≠ \"z\"", "total: 10.00 ≠ 10.0");
    assertThat(diff(DiffOptions.defaults(), new Customer("Ada", true), JSON.readTree("{\"name\":\"Ada\",\"vip\":true}")))
        .isEmpty();
  }

  @Test
  void jdkValueTypesCompareByTheirText() {
    assertThat(diff(DiffOptions.defaults(), Map.of("at", AT, "id", ID),
        Map.of("at", "2026-11-22T00:00:00Z", "id", "00000000-0000-0000-0000-000000000001"))).isEmpty();
  }

  @Test
  void theNumberOfDifferencesIsCapped() {
    Map<String, Integer> control = new LinkedHashMap<>();
    Map<String, Integer> candidate = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      control.put("f" + i, i);
      candidate.put("f" + i, i + 1);
    }
    assertThat(StructuralDiff.of(DiffOptions.builder().maxDifferences(5).build()).diff(control, candidate))
        .hasSize(5);
  }

  @Test
  void oddKeysAreQuotedInPaths() {
    assertThat(diff(DiffOptions.defaults(), Map.of("a.b", 1), Map.of("a.b", 2))).containsExactly("[\"a.b\"]: 1 ≠ 2");
    assertThat(diff(DiffOptions.builder().ignorePaths("[\"a.b\"]").build(), Map.of("a.b", 1), Map.of("a.b", 2)))
        .isEmpty();
  }

  @Test
  void badPatternsAndOptionsAreRefusedAtOnce() {
    assertThatThrownBy(() -> DiffOptions.builder().ignorePaths("items[x]")).hasMessageContaining("Bad index");
    assertThatThrownBy(() -> DiffOptions.builder().ignorePaths("items[1")).hasMessageContaining("Unclosed");
    assertThatThrownBy(() -> DiffOptions.builder().numericTolerance(new BigDecimal("-1")))
        .hasMessageContaining("negative");
  }

  @Test
  void prefixingPutsAPathUnderAnother() {
    assertThat(new Difference("$", 1, 2).under("body").path()).isEqualTo("body");
    assertThat(new Difference("items[0]", 1, 2).under("body").path()).isEqualTo("body.items[0]");
    assertThat(new Difference("[0].id", 1, 2).under("body").path()).isEqualTo("body[0].id");
  }

  /** A bean whose getter throws. */
  public static final class Broken {
    public String getName() {
      return "x";
    }

    public String getSecret() {
      throw new IllegalStateException("not loaded");
    }
  }

  @Test
  void aGetterThatThrowsIsReportedNotTurnedIntoALeaf() {
    assertThatThrownBy(() -> StructuralDiff.defaults().diff(new Broken(), Map.of("name", "x")))
        .isInstanceOf(DiffException.class)
        .hasMessage("Could not compare: reading \"secret\" of " + Broken.class.getName() + " (at secret) failed with "
            + "java.lang.IllegalStateException: not loaded")
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void aJsonTreeThatContainsItselfIsACycleFoundByIdentity() {
    com.fasterxml.jackson.databind.node.ObjectNode looped = JSON.createObjectNode().put("a", 1);
    looped.set("self", looped);
    com.fasterxml.jackson.databind.node.ObjectNode other = JSON.createObjectNode().put("a", 2);
    other.set("self", other);

    assertThat(diff(DiffOptions.defaults(), looped, other)).containsExactly("a: 1 ≠ 2");
    assertThat(StructuralDiff.defaults().toTree(looped)).hasToString("{a=1, self=(cycle: the value 1 level up)}");
  }

  @Test
  void aMapThatContainsItselfAndAVeryDeepListEndWithoutOverflow() {
    Map<String, Object> looped = new java.util.HashMap<>();
    looped.put("me", looped);
    List<Object> deep = new java.util.ArrayList<>();
    List<Object> deepOther = new java.util.ArrayList<>();
    List<Object> a = deep;
    List<Object> b = deepOther;
    for (int i = 0; i < 100_000; i++) {
      List<Object> nextA = new java.util.ArrayList<>();
      List<Object> nextB = new java.util.ArrayList<>();
      a.add(nextA);
      b.add(nextB);
      a = nextA;
      b = nextB;
    }
    a.add("bottom");
    b.add("other");

    assertThat(StructuralDiff.defaults().equivalent(looped, Map.of("me", Map.of()))).isFalse();
    List<Difference> differences = StructuralDiff.defaults().diff(deep, deepOther);
    assertThat(differences).singleElement().satisfies(d -> {
      assertThat(d.path()).isEqualTo("[0]".repeat(32));
      assertThat(d.toString()).hasSizeLessThan(400);
    });
  }

  @Test
  void aDifferenceKeepsABoundedCopyOfItsValues() {
    List<Integer> big = java.util.stream.IntStream.range(0, 10_000).boxed().toList();
    Difference whole = StructuralDiff.of(DiffOptions.builder().maxValueBytes(1_024).build()).whole("$", big, "x");

    assertThat(BoundedTree.copy(whole.control(), Long.MAX_VALUE).bytes()).isLessThanOrEqualTo(1_024 + 128);
    assertThat(whole.control()).asList().last().hasToString("(truncated: " + (10_000 - 
        ((List<?>) whole.control()).size() + 1) + " more elements)");
  }

  // What Jackson builds, type by type: as before, or better where said.

  record Money(BigDecimal amount, String currency) {
  }

  record Basket(Optional<Money> discount, List<Money> lines, Money[] extras, Map<Status, Integer> counts) {
  }

  @Test
  void recordsOptionalsCollectionsArraysAndEnumKeyedMapsBecomeTheSameTreesAsBefore() {
    Basket basket = new Basket(Optional.of(new Money(new BigDecimal("1.50"), "EUR")),
        List.of(new Money(new BigDecimal("10.00"), "EUR")), new Money[] {new Money(BigDecimal.ONE, "USD")},
        Map.of(Status.OPEN, 2));

    assertThat(StructuralDiff.defaults().toTree(basket)).hasToString("{discount={amount=1.50, currency=EUR}, "
        + "lines=[{amount=10.00, currency=EUR}], extras=[{amount=1, currency=USD}], counts={OPEN=2}}");
    Basket other = new Basket(Optional.empty(), List.of(new Money(new BigDecimal("10.0"), "EUR")),
        new Money[] {new Money(BigDecimal.ONE, "USD"), new Money(BigDecimal.TEN, "USD")}, Map.of(Status.OPEN, 3));
    assertThat(diff(DiffOptions.defaults(), basket, other)).containsExactly(
        "discount: {amount=1.50, currency=EUR} ≠ null", "lines[0].amount: 10.00 ≠ 10.0",
        "extras[1]: (absent) ≠ {amount=10, currency=USD}", "counts.OPEN: 2 ≠ 3");
  }

  @Test
  void mapsWithKeysThatAreNotStringsAreKeyedByTheKeysText() {
    Map<Object, String> control = new LinkedHashMap<>();
    control.put(1, "one");
    control.put(new Money(BigDecimal.ONE, "EUR"), "a record");
    control.put(null, "nothing");
    Map<Object, String> candidate = new LinkedHashMap<>(control);
    candidate.put(1, "uno");
    candidate.put(null, "nada");

    assertThat(diff(DiffOptions.defaults(), control, candidate)).containsExactly("1: \"one\" ≠ \"uno\"",
        "null: \"nothing\" ≠ \"nada\"");
    assertThat(((Map<?, ?>) StructuralDiff.defaults().toTree(control)).containsKey("Money[amount=1, currency=EUR]"))
        .isTrue();
  }

  record Stamped(Instant at, java.time.LocalDate day, java.time.Duration took, java.util.Date legacy, UUID id) {
  }

  @Test
  void javaTimeValuesAreTheirIsoTextAndOldDatesNowToo() {
    Stamped stamped = new Stamped(AT, java.time.LocalDate.of(2026, 11, 22), java.time.Duration.ofMillis(1500),
        java.util.Date.from(AT), ID);

    // java.time as before (toString, which is ISO-8601). java.util.Date was its zone-dependent toString; Jackson
    // writes it in ISO-8601, the same text whatever the JVM's time zone.
    assertThat(StructuralDiff.defaults().toTree(stamped)).isEqualTo(Map.of("at", "2026-11-22T00:00:00Z",
        "day", "2026-11-22", "took", "PT1.5S", "legacy", "2026-11-22T00:00:00.000+00:00",
        "id", "00000000-0000-0000-0000-000000000001"));
    assertThat(diff(DiffOptions.defaults(), stamped, new Stamped(AT.plusSeconds(1), stamped.day(), stamped.took(),
        stamped.legacy(), ID))).containsExactly("at: \"2026-11-22T00:00:00Z\" ≠ \"2026-11-22T00:00:01Z\"");
  }

  @Test
  void bigDecimalsKeepTheirScaleAndDoublesTheirShortestText() {
    assertThat(StructuralDiff.defaults().toTree(new Money(new BigDecimal("1.500"), "EUR")))
        .isEqualTo(Map.of("amount", new BigDecimal("1.500"), "currency", "EUR"));
    assertThat(diff(DiffOptions.defaults(), Map.of("x", 0.1 + 0.2), Map.of("x", 0.3)))
        .containsExactly("x: 0.30000000000000004 ≠ 0.3");
    assertThat(diff(DiffOptions.defaults(), List.of(Double.NaN, 1.5f), List.of(Double.NaN, 1.5f))).isEmpty();
  }

  /** A bean with Jackson annotations: they are honoured now (the hand-made reflection ignored them). */
  public static final class Annotated {
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String getRequestId() {
      return UUID.randomUUID().toString();
    }

    @com.fasterxml.jackson.annotation.JsonProperty("total_amount")
    public BigDecimal getTotal() {
      return BigDecimal.TEN;
    }
  }

  @Test
  void jacksonAnnotationsOnBeansAreHonoured() {
    assertThat(StructuralDiff.defaults().toTree(new Annotated())).isEqualTo(Map.of("total_amount", BigDecimal.TEN));
    assertThat(StructuralDiff.defaults().diff(new Annotated(), new Annotated())).isEmpty();
  }

  /** An object without properties. */
  static final class Token {
    private final String value;

    Token(String value) {
      this.value = value;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Token t && t.value.equals(value);
    }

    @Override
    public int hashCode() {
      return value.hashCode();
    }

    @Override
    public String toString() {
      return "Token(" + value + ")";
    }
  }

  @Test
  void anObjectWithoutPropertiesIsComparedWholeWithItsEqualsNeverAsAnEmptyObject() {
    assertThat(diff(DiffOptions.defaults(), Map.of("t", new Token("a")), Map.of("t", new Token("a")))).isEmpty();
    assertThat(diff(DiffOptions.defaults(), Map.of("t", new Token("a")), Map.of("t", new Token("b"))))
        .containsExactly("t: \"Token(a)\" ≠ \"Token(b)\"");
  }

  /** A bean whose getter returns itself. */
  public static final class Selfish {
    private final String name;

    Selfish(String name) {
      this.name = name;
    }

    public String getName() {
      return name;
    }

    public Selfish getMe() {
      return this;
    }
  }

  @Test
  void aBeanThatReturnsItselfIsACycleMarkerNotAJacksonFailure() {
    assertThat(StructuralDiff.defaults().toTree(new Selfish("a")))
        .hasToString("{name=a, me=(cycle: the value 1 level up)}");
    assertThat(diff(DiffOptions.defaults(), new Selfish("a"), new Selfish("b"))).containsExactly("name: \"a\" ≠ \"b\"");
  }

  @Test
  void aGetterThatThrowsDeepInsideIsNamedWithItsPath() {
    Map<String, Object> control = Map.of("items", List.of(Map.of("ok", 1), new Broken()));

    assertThatThrownBy(() -> StructuralDiff.defaults().diff(control, Map.of()))
        .isInstanceOf(DiffException.class)
        .hasMessage("Could not compare: reading \"secret\" of " + Broken.class.getName() + " (at items[1].secret)"
            + " failed with java.lang.IllegalStateException: not loaded");
  }

  @Test
  void aValueTooDeepForTheStackIsAReportedFailureNeverAStackOverflowError() {
    List<Object> deep = new java.util.ArrayList<>();
    List<Object> level = deep;
    for (int i = 0; i < 200_000; i++) {
      List<Object> next = new java.util.ArrayList<>();
      level.add(next);
      level = next;
    }
    StructuralDiff unbounded = StructuralDiff.of(DiffOptions.builder().maxDepth(1_000_000).maxNodes(1_000_000)
        .build());

    assertThatThrownBy(() -> unbounded.toTree(deep)).isInstanceOf(DiffException.class)
        .hasMessageContaining("nested too deeply for the stack (maxDepth 1000000)");
  }
}
