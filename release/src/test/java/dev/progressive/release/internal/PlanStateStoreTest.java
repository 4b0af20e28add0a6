package dev.progressive.release.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.release.ReleaseState;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.InMemoryFlagStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The plan's state as an instance puts it in force. */
class PlanStateStoreTest {

  @Test
  void whatComesWithANewStateIsDoneBeforeAnyoneSeesTheStateInForce() throws Exception {
    AtomicReference<PlanStateStore> store = new AtomicReference<>();
    List<String> seenDuringApply = new ArrayList<>();
    try (Toggles toggles = Toggles.builder().store(new InMemoryFlagStore()).build();
        PlanStateStore s = new PlanStateStore("p", toggles,
            plan -> plan.definition("p", plan.stage() < 0 ? "none" : "dark", false), "test", applied -> {
              PlanStateStore self = store.get();
              if (self != null) {
                // the stage's window is made here: the state in force must still be the one before
                seenDuringApply.add(applied.state() + " applied while " + self.inForce().state() + " in force");
              }
            })) {
      store.set(s);
      StoredPlan pending = s.read();
      assertThat(pending.state()).isEqualTo(ReleaseState.PENDING);
      seenDuringApply.clear();

      StoredPlan running = s.compareAndSet(pending, pending.next(ReleaseState.RUNNING, 0, 1_000, "started"),
          "alice", "start");

      assertThat(s.inForce()).isEqualTo(running);
      // the first application of the new state (a later one of the same version, from the store's change event, finds
      // it in force already)
      assertThat(seenDuringApply).first().isEqualTo("RUNNING applied while PENDING in force");
    }
  }
}
