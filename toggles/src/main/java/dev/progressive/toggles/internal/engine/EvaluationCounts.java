package dev.progressive.toggles.internal.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Counters, by id, that each thread increments in cells of its own and that are summed when they are read: counting
 * is a plain increment with no atomic instruction, and the cost moves to the reader (a scrape), which visits every
 * thread's cells.
 *
 * <p>Each thread's cells are pages of {@value #PAGE} counters, made when the thread first counts an id of that page,
 * so a thread holds only the pages of the ids it counts. The cells of threads that ended are folded into one array
 * and dropped when a new thread registers and the list has doubled since the last sweep, so memory follows the live
 * threads, not every thread that ever counted.
 */
final class EvaluationCounts {

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle PAGES = MethodHandles.arrayElementVarHandle(long[][].class);
  private static final int PAGE_BITS = 6;
  static final int PAGE = 1 << PAGE_BITS;
  private static final int MIN_SWEEP = 16;

  private final ThreadLocal<Cells> local = ThreadLocal.withInitial(this::register);
  /** Guarded by this: the cells of each thread that counted and was alive at the last sweep. */
  private final List<Cells> threads = new ArrayList<>();
  /** Guarded by this: what the threads that ended had counted, by id. */
  private long[] ended = new long[0];
  /** Guarded by this: sweep when this many threads are registered. */
  private int sweepAt = MIN_SWEEP;

  /** Adds one to a counter, in the calling thread's cells. */
  void increment(int id) {
    local.get().increment(id);
  }

  /** A counter's total over every thread, those that ended included. */
  synchronized long sum(int id) {
    long total = id < ended.length ? ended[id] : 0;
    for (Cells c : threads) {
      total += c.get(id);
    }
    return total;
  }

  /** How many threads' cells are kept: for tests of the bound. */
  synchronized int threadsKept() {
    return threads.size();
  }

  private synchronized Cells register() {
    if (threads.size() >= sweepAt) {
      sweep();
      sweepAt = Math.max(MIN_SWEEP, 2 * threads.size());
    }
    Cells cells = new Cells(Thread.currentThread());
    threads.add(cells);
    return cells;
  }

  /** Folds the cells of threads that ended into {@link #ended}. */
  private void sweep() {
    for (Iterator<Cells> it = threads.iterator(); it.hasNext(); ) {
      Cells c = it.next();
      if (!c.alive()) {
        ended = c.addTo(ended);
        it.remove();
      }
    }
  }

  /** One thread's counters: written by that thread only, read by any. */
  private static final class Cells {
    private final WeakReference<Thread> owner;
    /** Written by the owner only, after the page it adds is in place. */
    private volatile long[][] pages = new long[1][];

    Cells(Thread owner) {
      this.owner = new WeakReference<>(owner);
    }

    void increment(int id) {
      long[][] p = pages;
      int page = id >>> PAGE_BITS;
      long[] cells;
      if (page >= p.length || (cells = p[page]) == null) {
        cells = addPage(page);
      }
      int i = id & (PAGE - 1);
      // the only writer: a plain read, and an opaque write so that a reader never sees half a long
      LONGS.setOpaque(cells, i, cells[i] + 1);
    }

    private long[] addPage(int page) {
      long[][] p = pages;
      if (page >= p.length) {
        p = Arrays.copyOf(p, Math.max(page + 1, 2 * p.length));
      }
      long[] cells = new long[PAGE];
      PAGES.setRelease(p, page, cells);
      pages = p;
      return cells;
    }

    long get(int id) {
      long[][] p = pages;
      int page = id >>> PAGE_BITS;
      if (page >= p.length) {
        return 0;
      }
      long[] cells = (long[]) PAGES.getAcquire(p, page);
      return cells == null ? 0 : (long) LONGS.getOpaque(cells, id & (PAGE - 1));
    }

    /** Whether the owner may still count; once false, the cells no longer change. */
    boolean alive() {
      Thread t = owner.get();
      return t != null && t.isAlive();
    }

    /** {@code totals} plus these cells, in {@code totals} or a longer copy of it. */
    long[] addTo(long[] totals) {
      long[][] p = pages;
      long[] out = totals;
      for (int page = 0; page < p.length; page++) {
        long[] cells = (long[]) PAGES.getAcquire(p, page);
        if (cells == null) {
          continue;
        }
        int base = page << PAGE_BITS;
        if (out.length < base + PAGE) {
          out = Arrays.copyOf(out, base + PAGE);
        }
        for (int i = 0; i < PAGE; i++) {
          out[base + i] += (long) LONGS.getOpaque(cells, i);
        }
      }
      return out;
    }
  }
}
