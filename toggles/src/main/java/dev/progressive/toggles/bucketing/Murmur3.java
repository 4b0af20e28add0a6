package dev.progressive.toggles.bucketing;

/**
 * MurmurHash3, 32-bit x86 variant, with a seed: the hash that flagd's {@code fractional} buckets with.
 *
 * <p>Two entry points: over a byte range, and over the UTF-8 encoding of the concatenation of two character sequences.
 * The second encodes on the fly and allocates nothing; it gives exactly the hash of
 * {@code (a.toString() + b.toString()).getBytes(StandardCharsets.UTF_8)}, including for a surrogate pair split between
 * {@code a} and {@code b}, and for lone surrogates, which are encoded as {@code '?'} as {@code String.getBytes} does.
 */
public final class Murmur3 {

  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private Murmur3() {}

  /**
   * The hash of {@code length} bytes of {@code data} from {@code offset}.
   *
   * @throws IndexOutOfBoundsException when the range is not inside {@code data}
   */
  public static int hash32(byte[] data, int offset, int length, int seed) {
    if (offset < 0 || length < 0 || offset > data.length - length) {
      throw new IndexOutOfBoundsException(
          "range [" + offset + ", " + offset + " + " + length + ") out of bounds for length " + data.length);
    }
    int h1 = seed;
    int end = offset + (length & ~3);
    for (int i = offset; i < end; i += 4) {
      int k1 = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
      h1 = mixH1(h1, k1);
    }
    int k1 = 0;
    switch (length & 3) {
      case 3:
        k1 ^= (data[end + 2] & 0xff) << 16;
        // fall through
      case 2:
        k1 ^= (data[end + 1] & 0xff) << 8;
        // fall through
      case 1:
        k1 ^= data[end] & 0xff;
        h1 ^= mixK1(k1);
        break;
      default:
        break;
    }
    return fmix(h1 ^ length);
  }

  /**
   * The hash of the UTF-8 encoding of {@code a} followed by {@code b}, computed without building either.
   *
   * @param a the first part, may be empty
   * @param b the second part, may be empty
   */
  public static int hash32(CharSequence a, CharSequence b, int seed) {
    return hash(seed, 0, 0, 0, a, b, 0, null);
  }

  /**
   * The hashing state after a fixed prefix, so that keys that follow it are hashed without hashing the prefix again.
   * Built once (it allocates); used without allocating by {@link #hash32(Prefix, CharSequence)}.
   */
  public static final class Prefix {
    private final String text;
    private final int seed;
    private final boolean usable;
    private final int h1;
    private final int k;
    private final int fill;
    private final int total;

    private Prefix(String text, int seed) {
      this.text = text;
      this.seed = seed;
      // A trailing high surrogate pairs with the first char of what follows: then nothing can be precomputed.
      this.usable = text.isEmpty() || !Character.isHighSurrogate(text.charAt(text.length() - 1));
      int[] state = new int[4];
      if (usable) {
        hash(seed, 0, 0, 0, text, "", 0, state);
      }
      this.h1 = state[0];
      this.k = state[1];
      this.fill = state[2];
      this.total = state[3];
    }
  }

  /** Prepares a prefix for {@link #hash32(Prefix, CharSequence)}. */
  public static Prefix prefix(CharSequence prefix, int seed) {
    return new Prefix(prefix.toString(), seed);
  }

  /**
   * The same as {@code hash32(prefix, key, seed)}, without hashing the prefix again and without allocating.
   *
   * <p>ASCII keys take a fast path whatever the prefix's length: the prefix's 0 to 3 leftover bytes are topped up
   * with the key's first chars, then the key is read four chars to a block. At the first char that is not ASCII,
   * the general path, which encodes UTF-8, goes on from the state reached so far.
   */
  public static int hash32(Prefix prefix, CharSequence key) {
    if (!prefix.usable) {
      return hash(prefix.seed, 0, 0, 0, prefix.text, key, 0, null);
    }
    int h1 = prefix.h1;
    int total = prefix.total;
    int n = key.length();
    int i = 0;
    int fill = prefix.fill;
    if (fill != 0) {
      // top up the prefix's pending block with the key's first chars
      int k = prefix.k;
      while (fill < 4 && i < n) {
        char c = key.charAt(i);
        if (c >= 0x80) {
          return hash(h1, k, fill, total + i, "", key, i, null);
        }
        k |= c << (fill << 3);
        fill++;
        i++;
      }
      if (fill < 4) {
        // the key ended inside the block
        return fmix(h1 ^ mixK1(k) ^ (total + n));
      }
      h1 = mixH1(h1, k);
    }
    int blocks = i + ((n - i) & ~3);
    while (i < blocks) {
      char c0 = key.charAt(i);
      char c1 = key.charAt(i + 1);
      char c2 = key.charAt(i + 2);
      char c3 = key.charAt(i + 3);
      if ((c0 | c1 | c2 | c3) >= 0x80) {
        return hash(h1, 0, 0, total + i, "", key, i, null);
      }
      h1 = mixH1(h1, c0 | c1 << 8 | c2 << 16 | c3 << 24);
      i += 4;
    }
    int k;
    switch (n - i) {
      case 3 -> {
        char c0 = key.charAt(i);
        char c1 = key.charAt(i + 1);
        char c2 = key.charAt(i + 2);
        if ((c0 | c1 | c2) >= 0x80) {
          return hash(h1, 0, 0, total + i, "", key, i, null);
        }
        k = c0 | c1 << 8 | c2 << 16;
      }
      case 2 -> {
        char c0 = key.charAt(i);
        char c1 = key.charAt(i + 1);
        if ((c0 | c1) >= 0x80) {
          return hash(h1, 0, 0, total + i, "", key, i, null);
        }
        k = c0 | c1 << 8;
      }
      case 1 -> {
        char c0 = key.charAt(i);
        if (c0 >= 0x80) {
          return hash(h1, 0, 0, total + i, "", key, i, null);
        }
        k = c0;
      }
      default -> {
        return fmix(h1 ^ (total + n));
      }
    }
    return fmix(h1 ^ mixK1(k) ^ (total + n));
  }

  /**
   * Hashes {@code a} then {@code b} from its char {@code bStart} on, from the given state. With {@code state} null
   * it returns the final hash; otherwise it stores the state after both ({@code h1, k, fill, total}) into it and
   * returns 0. A {@code bStart} past 0 needs an empty {@code a}, and the char before it must not be a high surrogate.
   */
  private static int hash(int h1, int k, int fill, int total, CharSequence a, CharSequence b, int bStart,
      int[] state) {
    // k: up to 4 pending bytes, little-endian; fill: how many; total: bytes hashed
    CharSequence s = a;
    int n = a.length();
    int i = 0;
    boolean inA = true;
    while (true) {
      if (i >= n) {
        if (!inA) {
          break;
        }
        inA = false;
        s = b;
        n = b.length();
        i = bStart;
        continue;
      }
      if (fill == 0 && i + 4 <= n) {
        // fast path: four ASCII characters make one block
        char c0 = s.charAt(i);
        char c1 = s.charAt(i + 1);
        char c2 = s.charAt(i + 2);
        char c3 = s.charAt(i + 3);
        if ((c0 | c1 | c2 | c3) < 0x80) {
          h1 = mixH1(h1, c0 | c1 << 8 | c2 << 16 | c3 << 24);
          total += 4;
          i += 4;
          continue;
        }
      }
      char c = s.charAt(i++);
      int cp;
      int bytes;
      if (c < 0x80) {
        cp = c;
        bytes = 1;
      } else if (c < 0x800) {
        cp = c;
        bytes = 2;
      } else if (Character.isHighSurrogate(c)) {
        char next;
        boolean nextInB = false;
        if (i < n) {
          next = s.charAt(i);
        } else if (inA && b.length() > 0) {
          next = b.charAt(0);
          nextInB = true;
        } else {
          next = 0;
        }
        if (Character.isLowSurrogate(next)) {
          cp = Character.toCodePoint(c, next);
          bytes = 4;
          if (nextInB) {
            // the pair straddles a and b: go on in b after its first char
            inA = false;
            s = b;
            n = b.length();
            i = 1;
          } else {
            i++;
          }
        } else {
          cp = '?';
          bytes = 1;
        }
      } else if (Character.isLowSurrogate(c)) {
        cp = '?';
        bytes = 1;
      } else {
        cp = c;
        bytes = 3;
      }
      for (int j = 0; j < bytes; j++) {
        int octet;
        if (bytes == 1) {
          octet = cp;
        } else if (j == 0) {
          octet = bytes == 2 ? 0xc0 | cp >>> 6 : bytes == 3 ? 0xe0 | cp >>> 12 : 0xf0 | cp >>> 18;
        } else {
          octet = 0x80 | (cp >>> (6 * (bytes - 1 - j))) & 0x3f;
        }
        k |= (octet & 0xff) << (fill << 3);
        fill++;
        total++;
        if (fill == 4) {
          h1 = mixH1(h1, k);
          k = 0;
          fill = 0;
        }
      }
    }
    if (state != null) {
      state[0] = h1;
      state[1] = k;
      state[2] = fill;
      state[3] = total;
      return 0;
    }
    if (fill > 0) {
      h1 ^= mixK1(k);
    }
    return fmix(h1 ^ total);
  }

  private static int mixK1(int k1) {
    k1 *= C1;
    k1 = Integer.rotateLeft(k1, 15);
    return k1 * C2;
  }

  private static int mixH1(int h1, int k1) {
    h1 ^= mixK1(k1);
    h1 = Integer.rotateLeft(h1, 13);
    return h1 * 5 + 0xe6546b64;
  }

  private static int fmix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
