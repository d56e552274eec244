package dev.veil.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WeakIdentityMapTest {
    @Test
    void keysAreMatchedByIdentity() {
        WeakIdentityMap<String> map = new WeakIdentityMap<>();
        assertTrue(map.isEmpty());
        assertNull(map.get(null));
        String a = new String("conn");
        String b = new String("conn");
        map.put(a, "A");
        assertFalse(map.isEmpty());
        assertEquals("A", map.get(a));
        assertNull(map.get(b), "an equal but distinct object is another key");
        map.put(b, "B");
        assertEquals("A", map.get(a));
        assertEquals("B", map.get(b));
        assertEquals(2, map.size());
    }

    @Test
    void puttingAKeyAgainReplacesItsValue() {
        WeakIdentityMap<String> map = new WeakIdentityMap<>();
        Object key = new Object();
        map.put(key, "first");
        map.put(key, "second");
        assertEquals("second", map.get(key));
        assertEquals(1, map.size());
        map.put(key, "third");
        assertEquals("third", map.get(key));
        assertEquals(1, map.size());
    }

    @Test
    void removingAKeyForgetsOnlyIt() {
        WeakIdentityMap<Integer> map = new WeakIdentityMap<>();
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            keys.add(new Object());
            map.put(keys.get(i), i);
        }
        for (int i = 0; i < 200; i += 2) map.remove(keys.get(i));
        map.remove(new Object()); // never there
        assertEquals(100, map.size());
        for (int i = 0; i < 200; i++) assertEquals(i % 2 == 0 ? null : Integer.valueOf(i), map.get(keys.get(i)), "key " + i);
        for (int i = 1; i < 200; i += 2) map.remove(keys.get(i));
        assertTrue(map.isEmpty());
    }

    @Test
    void manyKeysSurviveGrowingAndReplacing() {
        WeakIdentityMap<Integer> map = new WeakIdentityMap<>();
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            Object k = new Object();
            keys.add(k);
            map.put(k, i);
        }
        assertEquals(5_000, map.size());
        for (int i = 0; i < keys.size(); i++) assertEquals(i, map.get(keys.get(i)));
        // Replacing every other key, in chains that share buckets, keeps the rest.
        for (int i = 0; i < keys.size(); i += 2) map.put(keys.get(i), -i);
        assertEquals(5_000, map.size());
        for (int i = 0; i < keys.size(); i++) assertEquals(i % 2 == 0 ? -i : i, map.get(keys.get(i)));
    }

    /** Entries of collected keys are dropped, and the keys still held, re-put or new, are found all along. */
    @Test
    void collectedKeysAreDroppedAndTheMapGoesOn() throws Exception {
        WeakIdentityMap<String> map = new WeakIdentityMap<>();
        Object held = new Object();
        map.put(held, "held");
        for (int i = 0; i < 10_000; i++) map.put(new Object(), "gone");
        long deadline = System.nanoTime() + 20_000_000_000L;
        List<Object> added = new ArrayList<>();
        while (map.size() > 200 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
            Object k = new Object();
            added.add(k);
            map.put(k, "new"); // a put drops what was collected
        }
        assertTrue(map.size() <= 200, "collected keys still counted: " + map.size());
        assertEquals("held", map.get(held));
        for (Object k : added) assertEquals("new", map.get(k));
        map.put(held, "again");
        assertEquals("again", map.get(held));
        Object fresh = new Object();
        map.put(fresh, "fresh");
        assertEquals("fresh", map.get(fresh));
        assertEquals(added.size() + 2, map.size());
    }

    @Test
    void aLookupAllocatesNothing() {
        WeakIdentityMap<String> map = new WeakIdentityMap<>();
        Object[] keys = new Object[64];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = new Object();
            map.put(keys[i], "v");
        }
        Object absent = new Object();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        int found = lookups(map, keys, absent); // warm up
        long before = threads.getThreadAllocatedBytes(id);
        found += lookups(map, keys, absent);
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertEquals(2 * 100_000, found);
        // 100,000 lookups of present and absent keys; a key object per lookup would be over a megabyte.
        assertTrue(allocated < 10_000, "lookups allocated " + allocated + " bytes");
    }

    private static int lookups(WeakIdentityMap<String> map, Object[] keys, Object absent) {
        int found = 0;
        for (int i = 0; i < 100_000; i++) {
            if (map.get(keys[i & 63]) != null) found++;
            if (map.get(absent) != null) found--;
        }
        return found;
    }

    @Test
    void readersSeeHeldKeysWhileOthersArePut() throws Exception {
        WeakIdentityMap<Object> map = new WeakIdentityMap<>();
        Object[] held = new Object[100];
        for (int i = 0; i < held.length; i++) {
            held[i] = new Object();
            map.put(held[i], held[i]);
        }
        AtomicReference<String> wrong = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 50_000; i++) map.put(new Object(), "churn");
        });
        Thread reader = new Thread(() -> {
            while (writer.isAlive()) {
                for (Object k : held) {
                    if (map.get(k) != k) wrong.set("lost a held key");
                }
            }
        });
        writer.start();
        reader.start();
        writer.join();
        reader.join();
        assertNull(wrong.get());
        for (Object k : held) assertSame(k, map.get(k));
    }
}
