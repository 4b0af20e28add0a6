package dev.progressive.canary;

import dev.progressive.canary.event.CanaryTransition;
import dev.progressive.canary.event.VerdictReported;
import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.FlagStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * N instances of one service in one JVM, each with its own clock (possibly skewed), toggles and canary, on one shared
 * flag store and one shared fleet store. Time moves for all at once.
 */
final class Fleet implements AutoCloseable {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final MutableClock base = new MutableClock(T0);
  final FlagStore flags;
  final FleetStore shared;
  final List<Member> members = new ArrayList<>();
  /** Every transition made by any instance, in order. */
  final List<CanaryTransition> transitions = new CopyOnWriteArrayList<>();

  Fleet(FlagStore flags, FleetStore shared) {
    this.flags = flags;
    this.shared = shared;
  }

  /** One instance. */
  static final class Member {
    final String id;
    final MutableClock clock;
    final Toggles toggles;
    final FlakyFleetStore store;
    final Canary canary;
    final List<VerdictReported> verdicts = new CopyOnWriteArrayList<>();

    Member(String id, MutableClock clock, Toggles toggles, FlakyFleetStore store, Canary canary) {
      this.id = id;
      this.clock = clock;
      this.toggles = toggles;
      this.store = store;
      this.canary = canary;
    }

    /** Records n requests of one side, the first {@code errors} of them errors. */
    void serve(Cohort cohort, int n, int errors, Duration latency) {
      for (int i = 0; i < n; i++) {
        canary.record(cohort, latency, i < errors ? CallOutcome.ERROR : CallOutcome.SUCCESS);
      }
    }

    Optional<Verdict> look() {
      return canary.analyze();
    }

    /** A tick between two looks: publishes this instance's window without judging. */
    void publish() {
      canary.publish();
    }
  }

  Member add(String id, Duration skew, CanaryRelease release, Judge judge) {
    return add(id, skew, release, judge, b -> {});
  }

  Member add(String id, Duration skew, CanaryRelease release, Judge judge, Consumer<Canary.Builder> more) {
    return add(id, skew, release, judge, flags, shared, more);
  }

  /** An instance with its own connections to the shared stores, as separate processes have. */
  Member add(String id, Duration skew, CanaryRelease release, Judge judge, FlagStore ownFlags, FleetStore ownFleet,
      Consumer<Canary.Builder> more) {
    MutableClock clock = new MutableClock(base.instant().plus(skew));
    Toggles toggles = Toggles.builder().store(ownFlags).clock(clock).build();
    FlakyFleetStore store = new FlakyFleetStore(ownFleet);
    Canary.Builder b = Canary.builder(release, toggles).clock(clock).fleet(store).instanceId(id).judge(judge);
    more.accept(b);
    Canary canary = b.build();
    canary.onTransition(transitions::add);
    Member m = new Member(id, clock, toggles, store, canary);
    canary.onVerdict(m.verdicts::add);
    members.add(m);
    return m;
  }

  /** Moves every clock by the same amount. */
  void advance(Duration d) {
    base.advance(d);
    for (Member m : members) {
      m.clock.advance(d);
    }
  }

  /** Every instance looks once, in order. */
  void lookAll() {
    for (Member m : members) {
      m.look();
    }
  }

  @Override
  public void close() {
    for (Member m : members) {
      m.canary.close();
      m.toggles.close();
    }
  }

  /** One instance's connection to the shared fleet store, which a test can cut. */
  static final class FlakyFleetStore implements FleetStore {
    private final FleetStore delegate;
    volatile boolean down;

    FlakyFleetStore(FleetStore delegate) {
      this.delegate = delegate;
    }

    private void check() throws IOException {
      if (down) {
        throw new IOException("the fleet store is unreachable");
      }
    }

    @Override
    public void publish(WindowKey key, WindowRow row) throws Exception {
      check();
      delegate.publish(key, row);
    }

    @Override
    public List<WindowRow> windows(WindowKey key) throws Exception {
      check();
      return delegate.windows(key);
    }

    @Override
    public void retainOnly(String canary, Optional<WindowKey> keep) throws Exception {
      check();
      delegate.retainOnly(canary, keep);
    }

    @Override
    public Optional<Lease> lease(String canary) throws Exception {
      check();
      return delegate.lease(canary);
    }

    @Override
    public boolean compareAndSetLease(String canary, long expectedVersion, String holder, long expiresAtMillis)
        throws Exception {
      check();
      return delegate.compareAndSetLease(canary, expectedVersion, holder, expiresAtMillis);
    }
  }
}
