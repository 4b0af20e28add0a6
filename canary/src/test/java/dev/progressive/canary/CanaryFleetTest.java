package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.progressive.canary.Verdict.Result;
import dev.progressive.canary.event.CanaryTransition;
import dev.progressive.canary.internal.FleetWindow;
import dev.progressive.testing.ManualScheduler;
import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.FlagOverride;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several instances on one shared flag store and one shared in-memory fleet store, on controlled clocks: one
 * judgement per look for the whole fleet, the analysis lease and its faults.
 */
class CanaryFleetTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Duration MS_20 = Duration.ofMillis(20);

  private final MutableClock storeClock = new MutableClock(Fleet.T0);
  private final SharedFlagStore flags = new SharedFlagStore(storeClock);
  private final Fleet fleet = new Fleet(flags, FleetStore.inMemory());

  @AfterEach
  void tearDown() {
    fleet.close();
  }

  private static CanaryRelease release(long minRequests) {
    return CanaryRelease.builder("pricing")
        .step(5, Duration.ofMinutes(2), minRequests)
        .step(25, Duration.ofMinutes(2), minRequests)
        .step(50, Duration.ofMinutes(2), minRequests)
        .analysisInterval(MINUTE)
        .maxInconclusive(Duration.ofMinutes(10))
        .build();
  }

  private static long count(List<CanaryTransition> transitions, CanaryAction action) {
    return transitions.stream().filter(t -> t.action() == action).count();
  }

  @Test
  void oneInstanceJudgesTheSumOfEveryInstancesWindowAndMinimumsCountForTheFleet() {
    CanaryRelease release = release(30);
    MinimumsJudge[] judges = {new MinimumsJudge(), new MinimumsJudge(), new MinimumsJudge()};
    Fleet.Member a = fleet.add("a", Duration.ZERO, release, judges[0]);
    Fleet.Member b = fleet.add("b", Duration.ZERO, release, judges[1]);
    Fleet.Member c = fleet.add("c", Duration.ZERO, release, judges[2]);
    a.canary.start("alice", "v2 deployed");
    assertThat(c.canary.weight()).as("every instance routes at the new weight").isEqualTo(500);
    for (Fleet.Member m : fleet.members) {
      m.serve(Cohort.BASELINE, 10, 0, MS_20);
      m.serve(Cohort.CANARY, 10, 0, MS_20);
    }
    fleet.advance(Duration.ofMinutes(2));
    fleet.lookAll();
    // a looked first and took the lease: it judged its own 10 + 10, before b and c had published
    assertThat(judges[0].looks).hasSize(1);
    assertThat(judges[0].looks.get(0).window().canary().requests()).isEqualTo(10);
    assertThat(judges[1].looks).as("b does not judge").isEmpty();
    assertThat(judges[2].looks).as("c does not judge").isEmpty();
    assertThat(a.canary.fleetStatus().leaseHolder()).isTrue();
    assertThat(b.canary.fleetStatus().leaseHolder()).isFalse();
    assertThat(b.verdicts).as("only the lease holder reports verdicts").isEmpty();

    fleet.advance(MINUTE);
    fleet.lookAll();
    Judge.Look second = judges[0].looks.get(1);
    assertThat(second.window().baseline().requests()).as("30 baseline requests, 10 per instance").isEqualTo(30);
    assertThat(second.window().canary().requests()).isEqualTo(30);
    assertThat(second.window().canary().latenciesMillis()).hasSize(30);
    assertThat(java.util.Arrays.stream(second.window().canary().latenciesMillis()).boxed().toList())
        .allSatisfy(ms -> assertThat(ms).isCloseTo(20.0, org.assertj.core.data.Offset.offset(0.2)));
    assertThat(a.canary.fleetStatus().instancesJudged()).isEqualTo(3);
    assertThat(fleet.transitions).extracting(CanaryTransition::action)
        .as("no instance alone has 30 requests per side; the fleet does, so the step passes")
        .containsExactly(CanaryAction.START, CanaryAction.ADVANCE);
    assertThat(b.canary.step()).isEqualTo(1);
    assertThat(judges[1].looks).isEmpty();
    assertThat(judges[2].looks).isEmpty();
  }

  @Test
  void betweenLooksEveryInstancePublishesSoThatTheHolderJudgesWindowsAtMostAQuarterIntervalOldCountedOnce() {
    // Ten instances, clocks from 5 s behind to 4 s ahead, each on its own scheduler as in production: it ticks every
    // 15 s, publishes at every tick and looks at every fourth. The holder looks first in every minute, the worst case:
    // every other instance's last publish is then from the tick before, 15 s earlier.
    CanaryRelease release = release(1_000_000);
    ScriptedJudge judge = new ScriptedJudge();
    int n = 10;
    ManualScheduler[] schedulers = new ManualScheduler[n];
    for (int i = 0; i < n; i++) {
      Duration skew = Duration.ofSeconds(i - 5);
      ManualScheduler scheduler = new ManualScheduler(new MutableClock(Fleet.T0.plus(skew)));
      schedulers[i] = scheduler;
      fleet.add("i" + i, skew, release, judge, b -> b.scheduler(scheduler::every));
    }
    fleet.members.get(0).canary.start("alice", "go");
    Duration quarter = MINUTE.dividedBy(4);
    long recorded = 0;
    for (int tick = 1; tick <= 12; tick++) {
      for (Fleet.Member m : fleet.members) {
        m.serve(Cohort.CANARY, 10, 0, MS_20);
        m.serve(Cohort.BASELINE, 10, 0, MS_20);
        recorded += 10;
      }
      fleet.advance(quarter);
      for (ManualScheduler scheduler : schedulers) {
        scheduler.advance(quarter);
      }
      if (tick % 4 == 0) {
        assertThat(judge.looks).as("one look per minute, by the holder alone").hasSize(tick / 4);
        long judged = judge.looks.get(judge.looks.size() - 1).window().canary().requests();
        long stale = (n - 1) * 10L;
        assertThat(judged).as("minute %d: every instance's window, at most one tick old, none counted twice",
            tick / 4).isEqualTo(recorded - stale);
      }
    }
    assertThat(fleet.members.get(0).canary.fleetStatus().leaseHolder()).isTrue();
    assertThat(fleet.members.get(0).canary.fleetStatus().instancesJudged()).isEqualTo(n);
    // Without the publishes between looks, the holder's first look would have seen its own 40 requests of 400.
    assertThat(judge.looks.get(0).window().canary().requests()).isGreaterThanOrEqualTo(3 * 400 / 4);
  }

  @Test
  void theWindowsOfAStepThatEndedAreDeletedAndTheNextStepStartsFromZero() throws Exception {
    CanaryRelease release = release(10);
    MinimumsJudge judge = new MinimumsJudge();
    Fleet.Member a = fleet.add("a", Duration.ZERO, release, judge);
    Fleet.Member b = fleet.add("b", Duration.ZERO, release, new MinimumsJudge());
    a.canary.start("alice", "go");
    a.look();
    FleetStore.WindowKey first = new FleetStore.WindowKey("pricing", 0, Fleet.T0.toEpochMilli());
    for (Fleet.Member m : fleet.members) {
      m.serve(Cohort.BASELINE, 10, 0, MS_20);
      m.serve(Cohort.CANARY, 10, 0, MS_20);
    }
    fleet.advance(MINUTE);
    a.look();
    fleet.advance(MINUTE);
    b.look();
    a.look();
    assertThat(a.canary.step()).isEqualTo(1);
    assertThat(fleet.shared.windows(first)).as("the ended step's windows are deleted").isEmpty();
    fleet.advance(MINUTE);
    b.look();
    a.look();
    Judge.Look look = judge.looks.get(judge.looks.size() - 1);
    assertThat(look.stepIndex()).isEqualTo(1);
    assertThat(look.window().canary().requests()).as("the new step counts only its own requests").isZero();
  }

  @Test
  void anotherInstanceTakesOverWithinTwoIntervalsWhenTheHolderDies() {
    CanaryRelease release = release(1_000_000);
    MinimumsJudge first = new MinimumsJudge();
    MinimumsJudge second = new MinimumsJudge();
    Fleet.Member a = fleet.add("a", Duration.ZERO, release, first);
    Fleet.Member b = fleet.add("b", Duration.ZERO, release, second);
    a.canary.start("alice", "go");
    fleet.advance(MINUTE);
    a.look();
    b.look();
    assertThat(a.canary.fleetStatus().leaseHolder()).isTrue();
    // a dies: it looks no more
    fleet.advance(MINUTE);
    b.look();
    assertThat(second.looks).as("one interval later, the lease has not yet expired").isEmpty();
    fleet.advance(MINUTE);
    b.look();
    assertThat(second.looks).as("two intervals later, b holds the lease and judges").hasSize(1);
    assertThat(b.canary.fleetStatus().leaseHolder()).isTrue();
    fleet.advance(MINUTE);
    b.look();
    assertThat(second.looks).hasSize(2);
  }

  @Test
  void aPausedHolderWhoseLeaseExpiredStepsDownOnWakeAndNeverMakesASecondTransition() throws Exception {
    CanaryRelease release = release(1);
    CountDownLatch paused = new CountDownLatch(1);
    CountDownLatch wake = new CountDownLatch(1);
    Judge frozen = look -> {
      paused.countDown();
      try {
        wake.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Verdict(Result.PASS, List.of(), 0, 0, "PASS (after a long GC pause)", look.now());
    };
    MinimumsJudge healthy = new MinimumsJudge();
    Fleet.Member a = fleet.add("a", Duration.ZERO, release, frozen);
    Fleet.Member b = fleet.add("b", Duration.ZERO, release, healthy);
    a.canary.start("alice", "go");
    b.serve(Cohort.BASELINE, 5, 0, MS_20);
    b.serve(Cohort.CANARY, 5, 0, MS_20);
    fleet.advance(Duration.ofMinutes(2));
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<?> holder = thread.submit(a::look);
      assertThat(paused.await(30, TimeUnit.SECONDS)).as("a is judging").isTrue();
      // a is frozen past its lease: b takes over and advances the step
      fleet.advance(Duration.ofMinutes(2));
      b.look();
      assertThat(b.canary.fleetStatus().leaseHolder()).isTrue();
      assertThat(b.canary.step()).isEqualTo(1);
      wake.countDown();
      holder.get(30, TimeUnit.SECONDS);
    } finally {
      thread.shutdownNow();
    }
    assertThat(fleet.transitions).extracting(CanaryTransition::action)
        .as("the woken holder's PASS is not written: one transition for the look")
        .containsExactly(CanaryAction.START, CanaryAction.ADVANCE);
    assertThat(fleet.transitions.get(1).reason()).doesNotContain("GC");
    assertThat(a.canary.step()).isEqualTo(1);
    assertThat(a.canary.fleetStatus().leaseHolder()).isFalse();
  }

  @Test
  void aPausedHolderStepsDownEvenWhenTheNewHolderOnlyHeld() throws Exception {
    CanaryRelease release = release(1);
    CountDownLatch paused = new CountDownLatch(1);
    CountDownLatch wake = new CountDownLatch(1);
    Judge frozen = look -> {
      paused.countDown();
      try {
        wake.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Verdict(Result.FAIL, List.of(), 0, 0, "FAIL (stale, after a long GC pause)", look.now());
    };
    Fleet.Member a = fleet.add("a", Duration.ZERO, release, frozen);
    Fleet.Member b = fleet.add("b", Duration.ZERO, release, new ScriptedJudge().otherwise(Result.INCONCLUSIVE));
    a.canary.start("alice", "go");
    fleet.advance(MINUTE);
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<?> holder = thread.submit(a::look);
      assertThat(paused.await(30, TimeUnit.SECONDS)).isTrue();
      fleet.advance(Duration.ofMinutes(2));
      b.look();
      assertThat(b.canary.fleetStatus().leaseHolder()).isTrue();
      wake.countDown();
      holder.get(30, TimeUnit.SECONDS);
    } finally {
      thread.shutdownNow();
    }
    assertThat(fleet.transitions).extracting(CanaryTransition::action).containsExactly(CanaryAction.START);
    assertThat(a.canary.state()).isEqualTo(CanaryState.PROGRESSING);
  }

  @Test
  void clocksFiveSecondsApartCountNoWindowTwiceAndStartNoStepTwice() {
    CanaryRelease release = release(30);
    MinimumsJudge[] judges = {new MinimumsJudge(), new MinimumsJudge(), new MinimumsJudge()};
    Fleet.Member slow = fleet.add("slow", Duration.ofSeconds(-5), release, judges[0]);
    fleet.add("exact", Duration.ZERO, release, judges[1]);
    Fleet.Member fast = fleet.add("fast", Duration.ofSeconds(5), release, judges[2]);
    fast.canary.start("alice", "go");
    int looks = 0;
    while (!slow.canary.state().isFinal() && looks++ < 40) {
      for (Fleet.Member m : fleet.members) {
        m.serve(Cohort.BASELINE, 4, 0, MS_20);
        m.serve(Cohort.CANARY, 4, 0, MS_20);
      }
      fleet.advance(MINUTE);
      // the fast clock looks first every time, the slow one last
      for (int i = fleet.members.size() - 1; i >= 0; i--) {
        fleet.members.get(i).look();
      }
    }
    assertThat(slow.canary.state()).isEqualTo(CanaryState.PROMOTED);
    assertThat(fleet.transitions).extracting(CanaryTransition::action).containsExactly(CanaryAction.START,
        CanaryAction.ADVANCE, CanaryAction.ADVANCE, CanaryAction.PROMOTE);
    assertThat(judges[0].looks).as("the lease never moved to the slow clock").isEmpty();
    assertThat(judges[1].looks).as("nor to the exact one").isEmpty();
    for (Judge.Look look : judges[2].looks) {
      // every instance serves 4 per side per minute of the step; the judge never sees more than the fleet served
      long minutes = look.elapsed().toMinutes();
      assertThat(look.window().canary().requests()).as("canary requests at %s", look.elapsed())
          .isLessThanOrEqualTo(12 * (minutes + 1)).isEqualTo(look.window().baseline().requests());
    }
    List<AuditEntry> audit = fast.canary.history(Fleet.T0.minusSeconds(60), Fleet.T0.plus(Duration.ofHours(2)), 100);
    assertThat(audit).extracting(AuditEntry::reason).filteredOn(r -> r.startsWith("[canary advance]")).hasSize(2);
  }

  @Test
  void anInstanceThatCannotReachTheStoreRoutesOnAndLosesNothing() throws Exception {
    CanaryRelease release = release(1_000_000);
    MinimumsJudge judge = new MinimumsJudge();
    Fleet.Member a = fleet.add("a", Duration.ZERO, release, judge);
    Fleet.Member c = fleet.add("c", Duration.ZERO, release, new MinimumsJudge());
    a.canary.start("alice", "go");
    a.look();
    assertThat(a.canary.fleetStatus().leaseHolder()).isTrue();
    judge.looks.clear();
    a.serve(Cohort.CANARY, 10, 0, MS_20);
    c.serve(Cohort.CANARY, 7, 0, MS_20);
    fleet.advance(MINUTE);
    c.look();
    a.look();
    assertThat(judge.looks.get(0).window().canary().requests()).isEqualTo(17);

    c.store.down = true;
    c.serve(Cohort.CANARY, 5, 1, MS_20);
    assertThatCode(() -> c.canary.call("user-1", () -> "old", () -> "new")).doesNotThrowAnyException();
    fleet.advance(MINUTE);
    assertThatCode(c::look).as("no exception reaches anyone").doesNotThrowAnyException();
    assertThat(c.canary.fleetStatus().publishError()).contains("unreachable");
    assertThat(c.canary.weight()).as("c routes on at the last weight").isEqualTo(500);
    a.look();
    assertThat(judge.looks.get(1).window().canary().requests())
        .as("c's new requests are missing, not zero: its last published window still counts").isEqualTo(17);

    c.store.down = false;
    fleet.advance(MINUTE);
    c.look();
    a.look();
    long served = 10 + 7 + 5 + (c.canary.decide("user-1") == Cohort.CANARY ? 1 : 0);
    assertThat(judge.looks.get(2).window().canary().requests())
        .as("once back, c's whole window counts, once").isEqualTo(served);
    assertThat(judge.looks.get(2).window().canary().errors()).isEqualTo(1);
    assertThat(c.canary.fleetStatus().publishError()).isEmpty();
    fleet.advance(MINUTE);
    c.look();
    c.look();
    a.look();
    assertThat(judge.looks.get(3).window().canary().requests()).as("a publish repeated counts nothing twice")
        .isEqualTo(served);
  }

  @Test
  void aWindowOfAnUnknownFormatIsSkippedAndNamed() throws Exception {
    CanaryRelease release = release(1_000_000);
    MinimumsJudge judge = new MinimumsJudge();
    Fleet.Member a = fleet.add("a", Duration.ZERO, release, judge);
    a.canary.start("alice", "go");
    a.serve(Cohort.CANARY, 3, 0, MS_20);
    FleetStore.WindowKey key = new FleetStore.WindowKey("pricing", 0, Fleet.T0.toEpochMilli());
    fleet.shared.publish(key, new FleetStore.WindowRow("pod-from-the-future", FleetWindow.FORMAT + 1,
        new byte[] {1, 2, 3}, 0));
    fleet.shared.publish(key, new FleetStore.WindowRow("pod-garbled", FleetWindow.FORMAT, new byte[] {9}, 0));
    fleet.advance(MINUTE);
    a.look();
    a.look();
    assertThat(judge.looks).allSatisfy(l -> assertThat(l.window().canary().requests()).isEqualTo(3));
    assertThat(a.canary.fleetStatus().skippedInstances()).containsExactly("pod-from-the-future", "pod-garbled");
    assertThat(a.canary.fleetStatus().instancesJudged()).isEqualTo(1);
  }

  @Test
  void aRollbackThatLosesItsCompareAndSetIsAppliedToTheNewState() {
    CanaryRelease release = release(1);
    Fleet.Member[] other = new Fleet.Member[1];
    Judge failsWhileAnOperatorPromotes = look -> {
      other[0].canary.promote("bob", "looks fine to me", false);
      return new Verdict(Result.FAIL, List.of(), 0, 0, "FAIL (errors x4)", look.now());
    };
    Fleet.Member a = fleet.add("a", Duration.ZERO, release, failsWhileAnOperatorPromotes);
    other[0] = fleet.add("b", Duration.ZERO, release, new MinimumsJudge());
    a.canary.start("alice", "go");
    fleet.advance(MINUTE);
    a.look();
    assertThat(fleet.transitions).extracting(CanaryTransition::action)
        .containsExactly(CanaryAction.START, CanaryAction.PROMOTE, CanaryAction.ROLLBACK);
    CanaryTransition rollback = fleet.transitions.get(2);
    assertThat(rollback.fromWeight()).as("rolled back from the operator's new step").isEqualTo(2500);
    assertThat(rollback.reason()).isEqualTo("FAIL (errors x4)");
    assertThat(other[0].canary.state()).isEqualTo(CanaryState.ROLLED_BACK);
  }

  @Test
  void anAdvanceThatLosesItsCompareAndSetLeavesTheNewStateToTheNextLook() {
    CanaryRelease release = release(1);
    Fleet.Member[] other = new Fleet.Member[1];
    Judge passesWhileAnOperatorPauses = look -> {
      other[0].canary.pause("bob", "incident elsewhere");
      return new Verdict(Result.PASS, List.of(), 0, 0, "PASS", look.now());
    };
    Fleet.Member a = fleet.add("a", Duration.ZERO, release, passesWhileAnOperatorPauses);
    other[0] = fleet.add("b", Duration.ZERO, release, new MinimumsJudge());
    a.canary.start("alice", "go");
    fleet.advance(MINUTE);
    a.look();
    assertThat(fleet.transitions).extracting(CanaryTransition::action)
        .containsExactly(CanaryAction.START, CanaryAction.PAUSE);
    assertThat(a.canary.state()).isEqualTo(CanaryState.PAUSED);
    assertThat(a.canary.step()).isZero();
  }

  @Test
  void thePerInstanceGuardRollsBackWhenOneInstanceAloneRegresses() {
    assertThat(runWithOneBadNode(true)).isEqualTo(CanaryState.ROLLED_BACK);
    CanaryTransition rollback = fleet.transitions.get(fleet.transitions.size() - 1);
    assertThat(rollback.action()).isEqualTo(CanaryAction.ROLLBACK);
    assertThat(rollback.reason()).startsWith("instance 'bad' alone shows a regression");
  }

  @Test
  void withoutTheGuardTheFleetsSumDecides() {
    assertThat(runWithOneBadNode(false)).isEqualTo(CanaryState.PROGRESSING);
    assertThat(fleet.transitions.get(fleet.transitions.size() - 1).action()).isEqualTo(CanaryAction.ADVANCE);
  }

  private CanaryState runWithOneBadNode(boolean guard) {
    CanaryRelease release = release(100);
    Fleet.Member a = fleet.add("a", Duration.ZERO, release, new MinimumsJudge(0.2), b -> b.perInstanceGuard(guard));
    fleet.add("b", Duration.ZERO, release, new MinimumsJudge(0.2), b -> b.perInstanceGuard(guard));
    Fleet.Member bad = fleet.add("bad", Duration.ZERO, release, new MinimumsJudge(0.2),
        b -> b.perInstanceGuard(guard));
    a.canary.start("alice", "go");
    a.look();
    for (Fleet.Member m : fleet.members) {
      m.serve(Cohort.BASELINE, 100, 0, MS_20);
      m.serve(Cohort.CANARY, m == bad ? 10 : 100, m == bad ? 5 : 0, MS_20);
    }
    fleet.advance(MINUTE);
    a.look();
    fleet.advance(MINUTE);
    bad.look();
    fleet.members.get(1).look();
    a.look();
    return a.canary.state();
  }

  @Test
  void aCanaryWhoseFlagDisappearsRoutesOnAndRecoversWhenItReturns() {
    CanaryRelease release = release(1_000_000);
    Fleet.Member a = fleet.add("a", Duration.ZERO, release, new MinimumsJudge());
    a.canary.start("alice", "go");
    String definition = a.toggles.admin().flag("canary.pricing").orElseThrow().effectiveDefinition();
    flags.edit("canary.pricing", FlagOverride.NONE);
    for (int i = 0; i < 5; i++) {
      fleet.advance(MINUTE);
      assertThatCode(a::look).doesNotThrowAnyException();
    }
    assertThat(a.canary.flagMissing()).isTrue();
    assertThat(a.canary.weight()).as("routing keeps the last weight").isEqualTo(500);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.canary.pause("bob", "why"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("canary.pricing").hasMessageContaining("missing");
    flags.edit("canary.pricing", FlagOverride.NONE.withDefinition(definition));
    fleet.advance(MINUTE);
    a.look();
    assertThat(a.canary.flagMissing()).isFalse();
    assertThat(a.canary.state()).isEqualTo(CanaryState.PROGRESSING);
    a.canary.pause("bob", "now it works");
    assertThat(a.canary.state()).isEqualTo(CanaryState.PAUSED);
  }

  @Test
  void aStepThatStaysInconclusiveCanWaitForAnOperator() {
    CanaryRelease release = CanaryRelease.builder("pricing")
        .step(5, Duration.ofMinutes(2), 1_000_000)
        .step(25, Duration.ofMinutes(2), 1_000_000)
        .analysisInterval(MINUTE)
        .maxInconclusive(Duration.ofMinutes(10))
        .onInconclusiveTimeout(InconclusiveTimeout.WAIT_FOR_OPERATOR)
        .build();
    Fleet.Member a = fleet.add("a", Duration.ZERO, release, new MinimumsJudge());
    Fleet.Member b = fleet.add("b", Duration.ZERO, release, new MinimumsJudge());
    a.canary.start("alice", "go");
    for (int i = 0; i < 12; i++) {
      fleet.advance(MINUTE);
      fleet.lookAll();
    }
    assertThat(a.canary.state()).isEqualTo(CanaryState.PROGRESSING);
    fleet.advance(MINUTE);
    fleet.lookAll();
    assertThat(b.canary.state()).isEqualTo(CanaryState.PAUSED);
    assertThat(b.canary.awaitingOperator()).as("every instance shows that a person is needed").isTrue();
    assertThat(b.canary.weight()).as("the weight is held").isEqualTo(500);
    CanaryTransition wait = fleet.transitions.get(fleet.transitions.size() - 1);
    assertThat(wait.action()).isEqualTo(CanaryAction.WAIT_FOR_OPERATOR);
    assertThat(wait.reason()).startsWith("inconclusive for longer than PT12M");
    fleet.advance(Duration.ofHours(5));
    fleet.lookAll();
    assertThat(a.canary.state()).as("it waits, however long").isEqualTo(CanaryState.PAUSED);
    b.canary.resume("bob", "more traffic now");
    assertThat(a.canary.awaitingOperator()).isFalse();
    assertThat(a.canary.state()).isEqualTo(CanaryState.PROGRESSING);
  }

  @Test
  void byDefaultAStepThatStaysInconclusiveRollsBack() {
    CanaryRelease release = release(1_000_000);
    Fleet.Member a = fleet.add("a", Duration.ZERO, release, new MinimumsJudge());
    a.canary.start("alice", "go");
    for (int i = 0; i < 13; i++) {
      fleet.advance(MINUTE);
      a.look();
    }
    assertThat(a.canary.state()).isEqualTo(CanaryState.ROLLED_BACK);
    assertThat(a.canary.awaitingOperator()).isFalse();
  }

  @Test
  void onlyTheLeaseHolderQueriesAnExternalMetricSource() {
    CanaryRelease release = release(1_000_000);
    int[] queries = new int[3];
    for (int i = 0; i < 3; i++) {
      int index = i;
      fleet.add("i" + i, Duration.ZERO, release, new MinimumsJudge(), b -> b.metricSource((name, from, to) -> {
        queries[index]++;
        return new MetricSource.Window(MetricSource.Side.empty(), MetricSource.Side.empty());
      }));
    }
    fleet.members.get(0).canary.start("alice", "go");
    for (int i = 0; i < 4; i++) {
      fleet.advance(MINUTE);
      fleet.lookAll();
    }
    assertThat(queries).containsExactly(4, 0, 0);
  }
}
