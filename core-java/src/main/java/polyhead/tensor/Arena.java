package polyhead.tensor;

import java.util.Arrays;

/**
 * Reuses the arrays of a training step in the next one, so that a steady-state step allocates (almost) nothing.
 *
 * <p>While an arena is open on a thread ({@link #open()}, closed by {@link Scope#close()}), the arrays that autodiff
 * operations create there — every operation's value and every gradient it passes back ({@link #floats},
 * {@link #floatsToOverwrite}) and the indices a backward pass needs ({@link #intsToOverwrite}) — come from the
 * arena. Closing the scope takes them all back; the next scope
 * hands them out again, zeroed, to requests of the same length. A training loop whose steps repeat the same shapes
 * therefore allocates its arrays in the first step only.
 *
 * <p><b>How much it keeps.</b> Besides the arrays of the step that just closed, the arena keeps free arrays of earlier
 * steps up to the bytes of its largest step so far, dropping the least recently used lengths first. So a loop that
 * leaves its usual shape for a few steps (the last, partial batch of an epoch, an evaluation at another batch size)
 * finds its arrays again when it comes back, instead of allocating a step's worth in its first step back; and a loop
 * whose shapes change at every step (padded sentence batches of different lengths) reuses what fits without hoarding
 * the arrays of every shape it has met: the arena never holds more than twice its largest step.
 *
 * <pre>{@code
 * Arena arena = new Arena();
 * for (Batch b : batches) {
 *     try (Arena.Scope step = arena.open()) {
 *         opt.zeroGrad();
 *         Var loss = loss(model, b);
 *         loss.backward();
 *         opt.step();
 *         log(loss.value().item());       // read what you need inside the scope
 *     }
 * }
 * }</pre>
 *
 * <p><b>Ownership.</b> Everything an operation computed inside the scope is invalid once it closes: values,
 * gradients of inner nodes (also retained ones) and gathered batches. Copy out what you keep ({@link Tensor#copy()}
 * makes an ordinary tensor). What is not arena memory: tensors you create yourself ({@code Tensor.zeros}, {@code of},
 * {@code copy}, ...), module parameters and buffers, optimizer state, and the gradients of leaves (parameters): a
 * leaf copies a gradient it receives into a buffer of its own, so that {@code Optimizer.zeroGrad} can hand that
 * buffer to the next step. Work on other threads (a convolution's parallel groups) allocates as usual; an arena
 * belongs to the thread that opened it. Scopes do not nest.
 *
 * <p>{@code -Dpolyhead.arena.poison=true} (or {@link #Arena(boolean) new Arena(true)}) fills every array with NaN
 * when its scope closes, so that a tensor used after its step shows up as NaN instead of silently reading the next
 * step's numbers; the tests train with and without a poisoned arena and require the same results bit for bit.
 */
public final class Arena {
    private static final ThreadLocal<Arena> CURRENT = new ThreadLocal<>();
    private static final boolean POISON_DEFAULT = Boolean.getBoolean("polyhead.arena.poison");
    /** Longer arrays are not pooled (their key, twice the length, would overflow an int). */
    private static final int MAX_POOLED = (Integer.MAX_VALUE - 1) / 2;

    private final boolean poison;
    private final Scope scope = new Scope();
    /**
     * Free arrays by kind and length: an open-addressing table of keys ({@code 2·length} for a {@code float[]},
     * {@code 2·length + 1} for an {@code int[]}), each with a stack of arrays.
     */
    private int[] keys = new int[64];
    private Object[][] stacks = new Object[64][];
    private int[] depths = new int[64];
    /** Per slot: the serial of the last scope that gave back (so had taken) an array of the slot's length. */
    private long[] lastUse = new long[64];
    /** Per slot: how many of its free arrays the closing scope gave back (the rest are older). */
    private int[] givenBack = new int[64];
    private int classes;
    /** Counts the scopes opened. */
    private long serial;
    /** The most bytes one scope has taken, over the arena's life: also the bound on free arrays kept from older scopes. */
    private long peakBytes;
    /** The arrays handed out by the open scope. */
    private Object[] out = new Object[256];
    private int outCount;
    private long reused;
    private long created;
    private Thread owner;

    /** An arena that poisons on close only when {@code -Dpolyhead.arena.poison=true}. */
    public Arena() {
        this(POISON_DEFAULT);
    }

    /** An arena that fills every array with NaN when its scope closes if {@code poison}. */
    public Arena(boolean poison) {
        this.poison = poison;
        Arrays.fill(keys, -1);
    }

    /**
     * Opens a scope on the current thread: operations there allocate from this arena until the scope is closed.
     * Fails if an arena is already open on this thread.
     */
    public Scope open() {
        if (CURRENT.get() != null) {
            throw new IllegalStateException("an arena is already open on thread '" + Thread.currentThread().getName()
                    + "'; close its scope first (scopes do not nest)");
        }
        owner = Thread.currentThread();
        serial++;
        CURRENT.set(this);
        return scope;
    }

    /** Whether an arena is open on the current thread. */
    public static boolean isOpen() {
        return CURRENT.get() != null;
    }

    /**
     * A zeroed array of length {@code n}: from the arena open on this thread, or {@code new float[n]} when none is.
     * For arrays that hold a value or gradient computed by an operation; not for state that outlives a step.
     */
    public static float[] floats(int n) {
        Arena a = CURRENT.get();
        return a == null || n > MAX_POOLED ? new float[n] : (float[]) a.take(2 * n, true);
    }

    /**
     * An array of length {@code n} whose contents are undefined — zeros when new, the previous step's values (or NaN,
     * poisoned) when reused — for a caller that writes every element before reading any: an operation's output
     * computed element by element, a product written (not accumulated) by the GEMM. Saves zeroing what is about to be
     * overwritten; with a poisoning arena a missed element shows up as NaN.
     */
    public static float[] floatsToOverwrite(int n) {
        Arena a = CURRENT.get();
        return a == null || n > MAX_POOLED ? new float[n] : (float[]) a.take(2 * n, false);
    }

    /**
     * An {@code int[]} of length {@code n} with undefined contents (as {@link #floatsToOverwrite}; poisoned with
     * {@code Integer.MIN_VALUE}), for indices an operation records for its backward pass, such as max pooling's argmax.
     */
    public static int[] intsToOverwrite(int n) {
        Arena a = CURRENT.get();
        return a == null || n > MAX_POOLED ? new int[n] : (int[]) a.take(2 * n + 1, false);
    }

    /** Arrays handed out again from the free lists (not allocated), over this arena's life. */
    public long reusedArrays() {
        return reused;
    }

    /** Arrays this arena allocated because none of the length was free, over its life. */
    public long createdArrays() {
        return created;
    }

    /** Whether {@code a} was handed out by the open scope (a linear scan: for tests and assertions). */
    boolean handedOut(Object a) {
        for (int i = 0; i < outCount; i++) {
            if (out[i] == a) {
                return true;
            }
        }
        return false;
    }

    private Object take(int key, boolean zeroed) {
        int slot = find(key);
        Object a;
        if (slot >= 0 && depths[slot] > 0) {
            a = stacks[slot][--depths[slot]];
            stacks[slot][depths[slot]] = null;
            if (zeroed) {
                Arrays.fill((float[]) a, 0f); // only float arrays are asked for zeroed
            }
            reused++;
        } else {
            a = (key & 1) == 0 ? new float[key >>> 1] : new int[key >>> 1];
            created++;
        }
        if (outCount == out.length) {
            out = Arrays.copyOf(out, out.length * 2);
        }
        out[outCount++] = a;
        return a;
    }

    /** The table slot of {@code key}, or -1. */
    private int find(int key) {
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return i;
            }
            if (keys[i] == -1) {
                return -1;
            }
        }
    }

    private static int keyOf(Object a) {
        return a instanceof float[] f ? 2 * f.length : 2 * ((int[]) a).length + 1;
    }

    private static int mix(int n) {
        int h = n * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private void giveBack(Object a) {
        int key = keyOf(a);
        int slot = find(key);
        if (slot < 0) {
            if (2 * (classes + 1) > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            slot = mix(key) & mask;
            while (keys[slot] != -1) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            stacks[slot] = new Object[4];
            classes++;
        }
        if (depths[slot] == stacks[slot].length) {
            stacks[slot] = Arrays.copyOf(stacks[slot], stacks[slot].length * 2);
        }
        stacks[slot][depths[slot]++] = a;
        givenBack[slot]++;
        lastUse[slot] = serial;
    }

    /** Bytes of an array of the slot's key (a {@code float[]} or {@code int[]}: four bytes an element). */
    private static long bytesOf(int key) {
        return 4L * (key >>> 1);
    }

    private void grow() {
        int[] oldKeys = keys;
        Object[][] oldStacks = stacks;
        int[] oldDepths = depths;
        long[] oldLastUse = lastUse;
        int[] oldGivenBack = givenBack; // grow() runs while a closing scope gives its arrays back
        keys = new int[oldKeys.length * 2];
        stacks = new Object[keys.length][];
        depths = new int[keys.length];
        lastUse = new long[keys.length];
        givenBack = new int[keys.length];
        Arrays.fill(keys, -1);
        int mask = keys.length - 1;
        for (int k = 0; k < oldKeys.length; k++) {
            if (oldKeys[k] != -1) {
                int slot = mix(oldKeys[k]) & mask;
                while (keys[slot] != -1) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[k];
                stacks[slot] = oldStacks[k];
                depths[slot] = oldDepths[k];
                lastUse[slot] = oldLastUse[k];
                givenBack[slot] = oldGivenBack[k];
            }
        }
    }

    /**
     * After the closing scope gave its arrays back: drops free arrays older than that scope, least recently used
     * lengths first, until they come to at most {@link #peakBytes}. The closing scope's own arrays (the top
     * {@code givenBack} of each stack) all stay.
     */
    private void trimOlder(long scopeBytes) {
        peakBytes = Math.max(peakBytes, scopeBytes);
        long olderBytes = 0;
        int olderSlots = 0;
        for (int slot = 0; slot < keys.length; slot++) {
            int older = depths[slot] - givenBack[slot];
            if (older > 0) {
                olderBytes += older * bytesOf(keys[slot]);
                olderSlots++;
            }
        }
        if (olderBytes > peakBytes) {
            long[] order = new long[olderSlots]; // least recently used first: (lastUse, slot) packed for one sort
            int shift = Integer.numberOfTrailingZeros(keys.length); // the table's length is a power of two
            int n = 0;
            for (int slot = 0; slot < keys.length; slot++) {
                if (depths[slot] > givenBack[slot]) {
                    order[n++] = lastUse[slot] << shift | slot;
                }
            }
            Arrays.sort(order);
            for (int i = 0; i < n && olderBytes > peakBytes; i++) {
                int slot = (int) (order[i] & (keys.length - 1));
                int older = depths[slot] - givenBack[slot];
                Object[] stack = stacks[slot];
                // the older arrays lie under the closing scope's: move those down over them
                System.arraycopy(stack, older, stack, 0, givenBack[slot]);
                Arrays.fill(stack, givenBack[slot], depths[slot], null);
                depths[slot] = givenBack[slot];
                olderBytes -= older * bytesOf(keys[slot]);
            }
        }
        Arrays.fill(givenBack, 0);
    }

    /** Free arrays held for the next scope (for tests). */
    int freeArrays() {
        int n = 0;
        for (int d : depths) {
            n += d;
        }
        return n;
    }

    /** The open period of an arena on one thread; closing it takes back every array handed out in it. */
    public final class Scope implements AutoCloseable {
        private Scope() {
        }

        /** Takes back every array handed out since {@link #open()} (poisoning them first if asked) and leaves. */
        @Override
        public void close() {
            if (CURRENT.get() != Arena.this || Thread.currentThread() != owner) {
                throw new IllegalStateException("an arena scope must be closed on the thread that opened it, once");
            }
            CURRENT.set(null); // keeps the thread-local entry: the next open() allocates nothing
            long scopeBytes = 0;
            for (int i = 0; i < outCount; i++) {
                scopeBytes += bytesOf(keyOf(out[i]));
                if (poison) {
                    if (out[i] instanceof float[] f) {
                        Arrays.fill(f, Float.NaN);
                    } else {
                        Arrays.fill((int[]) out[i], Integer.MIN_VALUE);
                    }
                }
                giveBack(out[i]);
                out[i] = null;
            }
            outCount = 0;
            trimOlder(scopeBytes);
        }
    }
}
