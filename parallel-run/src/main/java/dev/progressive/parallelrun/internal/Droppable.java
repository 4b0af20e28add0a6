package dev.progressive.parallelrun.internal;

/** A queued task that must account for itself when an executor drops it unrun (at shutdown). */
public interface Droppable {

  /** Called instead of {@code run()} when the task is dropped; must not throw. */
  void dropped();
}
