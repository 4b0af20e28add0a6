package dev.progressive.toggles.internal.engine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
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
 * <p>A row is one {@code long[]}: a cache line of padding, the owner's thread id, the counts, and another cache line
 * of padding. The padding keeps one thread's counts off the cache lines of objects that other threads write, wherever
 * the garbage collector moves the row; without it, two threads' rows copied side by side by a collection slowed
 * every increment of both.
 *
 * <p>Thread ids are never reused, and a pool's threads have ids close together, so a table of the next power of two
 * above the live threads gives each its own slot. The table grows, up to {@link #maxSlots}, when a live thread's slot
 * is taken. Every change of the table (a row claimed, lengthened for new counters, or folded) is made under the lock
 * that readers take: the row of a thread that ended is added to the adders when its slot is wanted, so that a count
 * never goes down and nothing is counted twice.
 *
 * <p>Costs: an increment reads the thread's id, the table, its row and the count; it takes the lock once per thread
 * (to claim a row), when its row must grow for new counters, and on about one in {@value #RETRY} increments of a
 * thread without a row. Memory is one long per counter per counting thread, plus 136 bytes per row. Reading a count
 * takes the lock and reads every slot: it is for meter scrapes, not for the evaluation path.
 */
final class ThreadOwnedCounts {

  /** A thread without a row tries to claim one on about one in this many increments. */
  static final int RETRY = 64;

  /** Longs of padding at each end of a row: one cache line of 64 bytes. */
  private static final int PAD = 8;
  /** Where a row holds its owner's thread id. */
  private static final int OWNER = PAD;
  /** Where a row's first count is. */
  private static final int FIRST = PAD + 1;

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  /** {@code Thread.isVirtual()} on Java 21 and later; null before, where every thread is a platform thread. */
  private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

  private final Object lock = new Object();
  private final int maxSlots;
  /** The rows, indexed by {@code threadId & (length - 1)}; replaced, never shrunk, and written under {@link #lock}. */
  private volatile long[][] rows;
  /** The thread of each row, at the same index, to tell whether it still runs; under {@link #lock}. */
  private List<WeakReference<Thread>> owners;
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
    this.rows = new long[initialSlots][];
    this.owners = emptyOwners(initialSlots);
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
      for (long[] row : rows) {
        n += row == null ? 0 : 1;
      }
      return n;
    }
  }

  private void increment(Counter counter) {
    long id = Thread.currentThread().getId();
    long[][] table = rows;
    long[] row = table[(int) id & (table.length - 1)];
    int at = FIRST + counter.index;
    if (row != null && row[OWNER] == id && at < row.length - PAD) {
      LONGS.setOpaque(row, at, row[at] + 1);
      return;
    }
    incrementSlowly(counter, id, row);
  }

  /** An increment of a thread whose slot holds no row of its own, or whose row is too short for the counter. */
  private void incrementSlowly(Counter counter, long id, long[] row) {
    Thread thread = Thread.currentThread();
    boolean mine = row != null && row[OWNER] == id;
    if (!mine && (isVirtual(thread) || (row != null && ThreadLocalRandom.current().nextInt(RETRY) != 0))) {
      counter.adder.increment();
      return;
    }
    long[] own = claim(thread, id, counter.index);
    if (own == null) {
      counter.adder.increment();
      return;
    }
    int at = FIRST + counter.index;
    LONGS.setOpaque(own, at, own[at] + 1);
  }

  /**
   * This thread's row, long enough for the counter: found, lengthened, put into a free slot, or into the slot of a
   * thread that ended; null when the thread cannot have one.
   */
  private long[] claim(Thread thread, long id, int index) {
    synchronized (lock) {
      while (true) {
        long[][] table = rows;
        int slot = (int) id & (table.length - 1);
        long[] row = table[slot];
        if (row != null && row[OWNER] == id) {
          if (FIRST + index < row.length - PAD) {
            return row;
          }
          // only the owner counts in its row, and it is here: the longer copy loses nothing
          long[] longer = newRow(id, Math.max(index + 1, 2 * (row.length - FIRST - PAD)));
          System.arraycopy(row, FIRST, longer, FIRST, row.length - FIRST - PAD);
          table[slot] = longer;
          return longer;
        }
        if (row == null || !alive(owners.get(slot))) {
          if (row != null) {
            fold(row);
          }
          long[] own = newRow(id, Math.max(index + 1, adders.size()));
          table[slot] = own;
          owners.set(slot, new WeakReference<>(thread));
          return own;
        }
        if (table.length >= maxSlots) {
          return null;
        }
        grow(table);
      }
    }
  }

  /** Doubles the table. Distinct slots stay distinct: the new index keeps the old one in its low bits. */
  private void grow(long[][] table) {
    long[][] bigger = new long[table.length * 2][];
    List<WeakReference<Thread>> biggerOwners = emptyOwners(bigger.length);
    for (int slot = 0; slot < table.length; slot++) {
      long[] row = table[slot];
      if (row != null) {
        int to = (int) row[OWNER] & (bigger.length - 1);
        bigger[to] = row;
        biggerOwners.set(to, owners.get(slot));
      }
    }
    owners = biggerOwners;
    rows = bigger;
  }

  /** Adds the row of a thread that ended to the adders. Its last writes are visible: it is known not to be alive. */
  private void fold(long[] row) {
    for (int at = FIRST; at < row.length - PAD; at++) {
      long n = (long) LONGS.getOpaque(row, at);
      if (n != 0) {
        adders.get(at - FIRST).add(n);
      }
    }
  }

  private long sum(Counter counter) {
    synchronized (lock) {
      long total = counter.adder.sum();
      int at = FIRST + counter.index;
      for (long[] row : rows) {
        if (row != null && at < row.length - PAD) {
          total += (long) LONGS.getOpaque(row, at);
        }
      }
      return total;
    }
  }

  /** A row for {@code counters} counters, owned by the thread {@code id}. */
  private static long[] newRow(long id, int counters) {
    long[] row = new long[FIRST + Math.max(8, counters) + PAD];
    row[OWNER] = id;
    return row;
  }

  private static List<WeakReference<Thread>> emptyOwners(int slots) {
    List<WeakReference<Thread>> list = new ArrayList<>(slots);
    for (int i = 0; i < slots; i++) {
      list.add(null);
    }
    return list;
  }

  /** Whether the thread of a row still runs; a row keeps its thread only weakly, with its context class loader. */
  private static boolean alive(WeakReference<Thread> owner) {
    Thread t = owner == null ? null : owner.get();
    return t != null && t.isAlive();
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
}
