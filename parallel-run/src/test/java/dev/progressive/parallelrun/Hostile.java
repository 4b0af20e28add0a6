package dev.progressive.parallelrun;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** What hostile hooks throw and return, for the tests. */
final class Hostile {

  private Hostile() {
  }

  /** How a hook fails. */
  enum Fault {
    RUNTIME_EXCEPTION, ERROR, SNEAKY_CHECKED_EXCEPTION, STACK_OVERFLOW, CYCLIC_VALUE;

    /** Throws this fault (not for {@link #CYCLIC_VALUE}, which is a value, not a throw). */
    RuntimeException raise() {
      switch (this) {
        case RUNTIME_EXCEPTION:
          throw new IllegalStateException("hostile hook");
        case ERROR:
          throw new AssertionError("hostile hook");
        case SNEAKY_CHECKED_EXCEPTION:
          throw Hostile.<RuntimeException>sneaky(new IOException("hostile hook"));
        case STACK_OVERFLOW:
          return overflow(0);
        default:
          throw new IllegalStateException("not a throw: " + this);
      }
    }
  }

  private static RuntimeException overflow(int depth) {
    overflow(depth + 1);
    return null;
  }

  @SuppressWarnings("unchecked")
  static <X extends Throwable> X sneaky(Throwable t) throws X {
    throw (X) t;
  }

  /** A record that contains itself through a list: its equals, hashCode and toString all overflow. */
  record Node(String name, List<Object> children) {
    static Node selfContaining(String name) {
      Node node = new Node(name, new ArrayList<>());
      node.children().add(node);
      node.children().add(Map.of("leaf", name));
      return node;
    }
  }

  /** A bean in a ring of three: a → b → c → a. */
  public static final class Ring {
    private final String name;
    private Ring next;

    Ring(String name) {
      this.name = name;
    }

    static Ring of(String a, String b, String c) {
      Ring first = new Ring(a);
      Ring second = new Ring(b);
      Ring third = new Ring(c);
      first.next = second;
      second.next = third;
      third.next = first;
      return first;
    }

    public String getName() {
      return name;
    }

    public Ring getNext() {
      return next;
    }

    @Override
    public String toString() {
      return name + "→" + next;
    }
  }

  /** A parent whose children point back at it, each with a toString that prints the other. */
  public static final class Parent {
    private final String name;
    private final List<Child> children = new ArrayList<>();

    Parent(String name, String... childNames) {
      this.name = name;
      for (String child : childNames) {
        children.add(new Child(child, this));
      }
    }

    public String getName() {
      return name;
    }

    public List<Child> getChildren() {
      return children;
    }

    @Override
    public String toString() {
      return "Parent " + name + " of " + children;
    }
  }

  /** See {@link Parent}. */
  public static final class Child {
    private final String name;
    private final Parent parent;

    Child(String name, Parent parent) {
      this.name = name;
      this.parent = parent;
    }

    public String getName() {
      return name;
    }

    public Parent getParent() {
      return parent;
    }

    @Override
    public String toString() {
      return "Child " + name + " of " + parent;
    }
  }

  /** Waits for a condition that the code under test makes true; fails after 30 s, which only a bug reaches. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Still not true after 30 s: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }
}
