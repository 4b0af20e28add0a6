package dev.progressive.toggles.internal.engine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Exact counts for many counters, added without an atomic instruction. Each platform thread that counts owns a row
 * of longs, one per counter, in a table indexed by its thread id; only the owner writes its row, with a plain read
 * and an opaque write. A count is the sum of its column over the rows, plus the counter's own {@link LongAdder},
 * which takes the increments of threads that own no row: virtual threads, and threads whose slot another live thread
 * holds when the table cannot grow.
 *
 * <p>Thread ids are never reused, and a pool's threads have ids close together, so a table of the next power of two
 * above the live threads gives each its own slot. The table grows, up to {@link #maxSlots}, when a live thread's slot
 * is taken. The row of a thread that ended is folded into the adders when its slot is wanted, under the lock that
 * readers take, so that a count never goes down and nothing is counted twice.
 *
 * <p>Costs: an increment reads the thread's id, its slot and its row; it takes the lock only once per thread (to
 * claim a row), when its row must grow for a new counter, and on about one in {@value #RETRY} increments of a
 * thread without a row. Memory is one long per counter per counting thread. Reading a count takes the lock and reads
 * every slot: it is for meter scrapes, not for the evaluation path.
 */
final class ThreadOwnedCounts {

  /** A thread without a row tries to claim one on about one in this many increments. */
  static final int RETRY = 64;

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  /** {@code Thread.isVirtual()} on Java 21 and later; null before, where every thread is a platform thread. */
  private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

  private final Object lock = new Object();
  private final int maxSlots;
  /** Indexed by {@code threadId & (length - 1)}; replaced, never shrunk, under {@link #lock}. */
  private volatile Row[] rows;
  /** Every counter's adder by its index, to fold the rows of threads that ended into; under {@link #lock}. */
  private final List<LongAdder> adders = new ArrayList<>();

  /** A table of 16 slots that grows to 4096: enough for the request pools of a large server. */
  ThreadOwnedCounts() {
    this(16, 4096);
  }

  /**
   * @param initialSlots the table's first size, a power of two
   * @param maxSlots the size it may grow to, a power of two at least {@code initialSlots}
   */
  ThreadOwnedCounts(int initialSlots, int maxSlots) {
    if (Integer.bitCount(initialSlots) != 1 || Integer.bitCount(maxSlots) != 1 || maxSlots < initialSlots) {
      throw new IllegalArgumentException("slots must be powers of two, the first at most the maximum: "
          + initialSlots + ", " + maxSlots);
    }
    this.rows = new Row[initialSlots];
    this.maxSlots = maxSlots;
  }

  /** A new counter, at zero. */
  Counter newCounter() {
    synchronized (lock) {
      LongAdder adder = new LongAdder();
      adders.add(adder);
      return new Counter(this, adders.size() - 1, adder);
    }
  }

  /** How many rows threads own now, for tests. */
  int ownedRows() {
    synchronized (lock) {
      int n = 0;
      for (Row row : rows) {
        n += row == null ? 0 : 1;
      }
      return n;
    }
  }

  private void increment(Counter counter) {
    long id = Thread.currentThread().getId();
    Row[] table = rows;
    Row row = table[(int) id & (table.length - 1)];
    if (row != null && row.ownerId == id) {
      long[] counts = row.counts;
      int i = counter.index;
      if (i < counts.length) {
        LONGS.setOpaque(counts, i, counts[i] + 1);
        return;
      }
    }
    incrementSlowly(counter, id, row);
  }

  /** An increment of a thread whose slot holds no row of its own, or whose row is too short for the counter. */
  private void incrementSlowly(Counter counter, long id, Row row) {
    Thread thread = Thread.currentThread();
    boolean mine = row != null && row.ownerId == id;
    if (!mine && (isVirtual(thread) || (row != null && ThreadLocalRandom.current().nextInt(RETRY) != 0))) {
      counter.adder.increment();
      return;
    }
    Row own = mine ? row : claim(thread, id);
    if (own == null) {
      counter.adder.increment();
      return;
    }
    long[] counts = own.counts;
    int i = counter.index;
    if (i >= counts.length) {
      // only the owner writes its row: it copies, then publishes the longer row, then counts in it
      counts = Arrays.copyOf(counts, Math.max(i + 1, counts.length * 2));
      own.counts = counts;
    }
    LONGS.setOpaque(counts, i, counts[i] + 1);
  }

  /** This thread's row: found, put into a free slot, or into the slot of a thread that ended; null when none. */
  private Row claim(Thread thread, long id) {
    synchronized (lock) {
      while (true) {
        Row[] table = rows;
        int slot = (int) id & (table.length - 1);
        Row row = table[slot];
        if (row != null && row.ownerId == id) {
          return row;
        }
        if (row == null || !row.alive()) {
          if (row != null) {
            fold(row);
          }
          Row own = new Row(thread, id, adders.size());
          table[slot] = own;
          return own;
        }
        if (table.length >= maxSlots) {
          return null;
        }
        grow(table);
      }
    }
  }

  /** Doubles the table. Rows keep their objects, so an owner that still reads the old table counts in the same row. */
  private void grow(Row[] table) {
    Row[] bigger = new Row[table.length * 2];
    for (Row row : table) {
      if (row != null) {
        // distinct slots of the old table stay distinct: the new index keeps the old one in its low bits
        bigger[(int) row.ownerId & (bigger.length - 1)] = row;
      }
    }
    rows = bigger;
  }

  /** Adds the row of a thread that ended to the adders. Its last writes are visible: it is known not to be alive. */
  private void fold(Row row) {
    long[] counts = row.counts;
    for (int i = 0; i < counts.length; i++) {
      long n = (long) LONGS.getOpaque(counts, i);
      if (n != 0) {
        adders.get(i).add(n);
      }
    }
  }

  private long sum(Counter counter) {
    synchronized (lock) {
      long total = counter.adder.sum();
      int i = counter.index;
      for (Row row : rows) {
        if (row != null) {
          long[] counts = row.counts;
          if (i < counts.length) {
            total += (long) LONGS.getOpaque(counts, i);
          }
        }
      }
      return total;
    }
  }

  private static boolean isVirtual(Thread thread) {
    if (IS_VIRTUAL == null) {
      return false;
    }
    try {
      return (boolean) IS_VIRTUAL.invokeExact(thread);
    } catch (Throwable e) {
      return true; // cannot tell: count through the adder, which is right for any thread
    }
  }

  private static MethodHandle isVirtualHandle() {
    try {
      return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }

  /** One counter: a column of the rows and an adder of its own. */
  static final class Counter {
    private final ThreadOwnedCounts counts;
    private final int index;
    private final LongAdder adder;

    private Counter(ThreadOwnedCounts counts, int index, LongAdder adder) {
      this.counts = counts;
      this.index = index;
      this.adder = adder;
    }

    void increment() {
      counts.increment(this);
    }

    /** The exact count of the increments that have finished. */
    long sum() {
      return counts.sum(this);
    }

    double doubleValue() {
      return sum();
    }
  }

  /** A thread's counts; written by that thread only. */
  private static final class Row {
    final long ownerId;
    /** Weak, so that a row never keeps a thread that ended (and its context class loader) reachable. */
    final WeakReference<Thread> owner;
    volatile long[] counts;

    Row(Thread owner, long ownerId, int counters) {
      this.owner = new WeakReference<>(owner);
      this.ownerId = ownerId;
      this.counts = new long[Math.max(8, counters)];
    }

    boolean alive() {
      Thread t = owner.get();
      return t != null && t.isAlive();
    }
  }
}
