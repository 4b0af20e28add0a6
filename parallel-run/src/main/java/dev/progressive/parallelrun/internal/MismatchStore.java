package dev.progressive.parallelrun.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.progressive.parallelrun.Mismatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last N mismatches of one experiment, in a Caffeine cache bounded to N entries. Each mismatch is keyed by its
 * sequence number modulo N, so a new mismatch replaces the oldest one in its slot: the cache holds exactly the most
 * recent N, which a size-bounded cache with unique keys would not promise (its admission policy may keep old entries).
 */
public final class MismatchStore {

  private final int capacity;
  private final Cache<Integer, Mismatch> cache;
  private final AtomicLong sequence = new AtomicLong();

  /**
   * Creates a store.
   *
   * @param capacity how many mismatches to keep; 0 keeps none
   */
  public MismatchStore(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must not be negative, was " + capacity);
    }
    this.capacity = capacity;
    this.cache = Caffeine.newBuilder().maximumSize(Math.max(capacity, 1)).executor(Runnable::run).build();
  }

  /** The next sequence number. */
  public long nextSequence() {
    return sequence.incrementAndGet();
  }

  /** Keeps a mismatch, replacing the one that is N older. */
  public void add(Mismatch mismatch) {
    if (capacity > 0) {
      cache.put((int) (mismatch.sequence() % capacity), mismatch);
    }
  }

  /** The kept mismatches, oldest first. */
  public List<Mismatch> recent() {
    List<Mismatch> list = new ArrayList<>(cache.asMap().values());
    list.sort(Comparator.comparingLong(Mismatch::sequence));
    return list;
  }

  /** How many mismatches are kept right now. */
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** The bound. */
  public int capacity() {
    return capacity;
  }
}
