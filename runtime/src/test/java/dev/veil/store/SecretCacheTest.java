package dev.veil.store;

import static dev.veil.store.VaultTestSupport.SECRET;
import static dev.veil.store.VaultTestSupport.assertNoSecret;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.rules.Rules.StoreErrorMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SecretCacheTest {
    private static final Duration TTL = Duration.ofSeconds(100);

    private final TestClock clock = new TestClock();
    private final FakeStore store = new FakeStore();
    private SecretCache cache;

    @AfterEach
    void close() {
        if (cache != null) cache.close();
    }

    @Test
    void cachedWithinTtlFetchedAgainAfterExpiry() throws Exception {
        cache = cache(StoreErrorMode.FAIL_CLOSED);
        assertArrayEquals("v1".toCharArray(), get("a"));
        clock.advance(Duration.ofSeconds(71)); // before the earliest refresh-ahead point (80% of 90s)
        assertArrayEquals("v1".toCharArray(), get("a"));
        assertEquals(1, store.fetches.get());
        clock.advance(Duration.ofSeconds(40)); // 111s: past the latest expiry (110s)
        assertArrayEquals("v2".toCharArray(), get("a"));
        assertEquals(2, store.fetches.get());
    }

    @Test
    void expiryIsJitteredWithinTenPercent() throws Exception {
        cache = cache(StoreErrorMode.FAIL_CLOSED);
        for (int i = 0; i < 200; i++) get("k" + i);
        store.failing.set(true);
        clock.advance(Duration.ofSeconds(89));
        for (int i = 0; i < 200; i++) get("k" + i); // none expired before 90s
        clock.advance(Duration.ofSeconds(11)); // 100s: about half expired
        int expired = 0;
        for (int i = 0; i < 200; i++) {
            try {
                get("k" + i);
            } catch (StoreException e) {
                expired++;
            }
        }
        assertTrue(expired > 20 && expired < 180, expired + " of 200 expired at exactly the TTL");
        clock.advance(Duration.ofMillis(10_001)); // past 110s: all expired
        for (int i = 0; i < 200; i++) {
            String ref = "k" + i;
            assertThrows(StoreException.class, () -> get(ref));
        }
    }

    @Test
    void refreshAheadServesTheCurrentValueWhileFetchingTheNextInTheBackground() throws Exception {
        cache = cache(StoreErrorMode.FAIL_CLOSED);
        get("a");
        char[] first = store.returned.get(0);
        CountDownLatch release = store.blockNextFetch();
        clock.advance(Duration.ofSeconds(89)); // past 80% of any jittered TTL, before any expiry
        assertArrayEquals("v1".toCharArray(), get("a"));
        assertTrue(store.fetchStarted.await(5, TimeUnit.SECONDS), "background refresh started");
        for (int i = 0; i < 5; i++) assertArrayEquals("v1".toCharArray(), get("a"));
        assertEquals(2, store.fetches.get(), "one refresh at a time");
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!new String(get("a")).equals("v2") && System.nanoTime() < deadline) Thread.sleep(10);
        assertArrayEquals("v2".toCharArray(), get("a"));
        assertTrue(isZeroed(first), "the replaced value was zeroed");
        assertEquals(2, store.fetches.get());
    }

    @Test
    void concurrentMissesCauseOneFetch() throws Exception {
        cache = cache(StoreErrorMode.FAIL_CLOSED);
        CountDownLatch release = store.blockNextFetch();
        int threads = 32;
        CountDownLatch entered = new CountDownLatch(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<char[]>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    entered.countDown();
                    return get("a");
                }));
            }
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            assertTrue(store.fetchStarted.await(5, TimeUnit.SECONDS));
            Thread.sleep(100); // let the rest reach the wait for the running fetch
            release.countDown();
            for (Future<char[]> f : results) assertArrayEquals("v1".toCharArray(), f.get(5, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, store.fetches.get());
    }

    @Test
    void concurrentMissesShareTheFailure() throws Exception {
        cache = cache(StoreErrorMode.FAIL_CLOSED);
        store.failing.set(true);
        CountDownLatch release = store.blockNextFetch();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<char[]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) results.add(pool.submit(() -> get("a")));
            assertTrue(store.fetchStarted.await(5, TimeUnit.SECONDS));
            release.countDown();
            for (Future<char[]> f : results) {
                Exception e = assertThrows(Exception.class, () -> f.get(5, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof StoreException, String.valueOf(e.getCause()));
                assertTrue(e.getCause().getMessage().contains("store 'fake' is down"), e.getCause().getMessage());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void failClosedDropsAndZeroesTheExpiredValue() throws Exception {
        cache = cache(StoreErrorMode.FAIL_CLOSED);
        get("a");
        char[] held = store.returned.get(0);
        store.failing.set(true);
        clock.advance(Duration.ofSeconds(111));
        StoreException e = assertThrows(StoreException.class, () -> get("a"));
        assertNoSecret(e);
        assertTrue(isZeroed(held));
    }

    @Test
    void serveStaleOnlyUpToMaxStaleThenFailClosed() throws Exception {
        cache = cache(StoreErrorMode.SERVE_STALE);
        get("a");
        char[] held = store.returned.get(0);
        store.failing.set(true);
        clock.advance(Duration.ofSeconds(115));
        assertArrayEquals("v1".toCharArray(), get("a"), "stale during the outage");
        assertEquals(2, store.fetches.get());
        cache.sweep();
        assertArrayEquals("v1".toCharArray(), get("a"), "sweep keeps values within max-stale");
        assertEquals(2, store.fetches.get(), "once stale, served without waiting on the failing store");
        clock.advance(Duration.ofSeconds(2));
        assertArrayEquals("v1".toCharArray(), get("a"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (store.fetches.get() < 3 && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(3, store.fetches.get(), "retried in the background");
        clock.advance(Duration.ofSeconds(56)); // 171s: past the latest expiry (110s) + max-stale (60s)
        assertThrows(StoreException.class, () -> get("a"));
        assertTrue(isZeroed(held));
        store.failing.set(false);
        assertArrayEquals(("v" + (store.fetches.get() + 1)).toCharArray(), get("a"), "recovers once the store is back");
    }

    @Test
    void failClosedNeverServesStale() throws Exception {
        cache = cache(StoreErrorMode.FAIL_CLOSED);
        get("a");
        store.failing.set(true);
        clock.advance(Duration.ofSeconds(111));
        assertThrows(StoreException.class, () -> get("a"));
    }

    @Test
    void sweepZeroesExpiredValuesNobodyAskedFor() throws Exception {
        cache = cache(StoreErrorMode.FAIL_CLOSED);
        get("a");
        char[] held = store.returned.get(0);
        clock.advance(Duration.ofSeconds(50));
        cache.sweep();
        assertArrayEquals("v1".toCharArray(), held);
        clock.advance(Duration.ofSeconds(61));
        cache.sweep();
        assertTrue(isZeroed(held));
        assertEquals(1, store.fetches.get(), "sweeping does not fetch");
    }

    @Test
    void callersGetTheirOwnCopy() throws Exception {
        cache = cache(StoreErrorMode.FAIL_CLOSED);
        char[] mine = get("a");
        java.util.Arrays.fill(mine, 'x');
        assertArrayEquals("v1".toCharArray(), get("a"));
    }

    @Test
    void invalidateZeroesAndRefetches() throws Exception {
        cache = cache(StoreErrorMode.FAIL_CLOSED);
        get("a");
        char[] held = store.returned.get(0);
        cache.invalidate("fake", "a");
        assertTrue(isZeroed(held));
        assertArrayEquals("v2".toCharArray(), get("a"));
    }

    @Test
    void closeZeroesEverythingAndClosesStores() throws Exception {
        cache = cache(StoreErrorMode.FAIL_CLOSED);
        get("a");
        get("b");
        cache.close();
        assertTrue(store.returned.stream().allMatch(SecretCacheTest::isZeroed));
        assertTrue(store.closed.get());
        cache = null;
    }

    @Test
    void badStoresAreStoreErrors() {
        SecretStore nothing = ref -> null;
        SecretStore broken = ref -> {
            throw new IllegalStateException(SECRET);
        };
        cache = new SecretCache(Map.of("nothing", nothing, "broken", broken), StoreErrorMode.FAIL_CLOSED, Duration.ZERO, clock);
        StoreException unknown = assertThrows(StoreException.class, () -> cache.get("absent", "a", TTL));
        assertEquals("no store named 'absent'", unknown.getMessage());
        assertThrows(StoreException.class, () -> cache.get("nothing", "a", TTL));
        StoreException e = assertThrows(StoreException.class, () -> cache.get("broken", "a", TTL));
        assertTrue(e.getMessage().contains("IllegalStateException"));
        assertTrue(!e.getMessage().contains(SECRET), "the runtime exception's message is not repeated");
    }

    @Test
    void invalidatingARefusedValueKeepsAValueFetchedSince() throws Exception {
        cache = cache(StoreErrorMode.FAIL_CLOSED);
        char[] refused = get("a");
        assertFalse(cache.invalidate("fake", "a", "not-it".toCharArray()), "another value is not dropped");
        assertTrue(cache.invalidate("fake", "a", refused));
        assertTrue(isZeroed(store.returned.get(0)), "the dropped value is zeroed");
        assertArrayEquals("v2".toCharArray(), get("a"));
        // A thread refused with v1 only now: the fresh v2 stays.
        assertFalse(cache.invalidate("fake", "a", refused));
        assertArrayEquals("v2".toCharArray(), get("a"));
        assertEquals(2, store.fetches.get());
        assertFalse(cache.invalidate("fake", "never-fetched", refused));
    }

    @Test
    void threadsRefusedWithTheSameValueCauseOneFetchAndAllGetTheNewValue() throws Exception {
        for (int round = 0; round < 20; round++) {
            if (cache != null) cache.close();
            store.fetches.set(0);
            cache = cache(StoreErrorMode.FAIL_CLOSED);
            char[] refused = get("a");
            int threads = 8;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<char[]>> got = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    got.add(pool.submit(() -> {
                        start.await();
                        cache.invalidate("fake", "a", refused);
                        return get("a");
                    }));
                }
                start.countDown();
                for (Future<char[]> g : got) assertArrayEquals("v2".toCharArray(), g.get(10, TimeUnit.SECONDS));
            } finally {
                pool.shutdownNow();
            }
            assertEquals(2, store.fetches.get(), "one fetch for the refused value, whatever the interleaving");
        }
    }

    private SecretCache cache(StoreErrorMode mode) {
        return new SecretCache(Map.of("fake", store), mode, Duration.ofSeconds(60), clock);
    }

    private char[] get(String ref) throws StoreException {
        return cache.get("fake", ref, TTL);
    }

    static boolean isZeroed(char[] a) {
        for (char c : a) if (c != '\0') return false;
        return true;
    }

    /** Numbers its values v1, v2, ...; can fail, or block one fetch until released. */
    static final class FakeStore implements SecretStore {
        final AtomicInteger fetches = new AtomicInteger();
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicBoolean closed = new AtomicBoolean();
        final List<char[]> returned = new CopyOnWriteArrayList<>();
        volatile CountDownLatch gate;
        volatile CountDownLatch fetchStarted = new CountDownLatch(1);

        CountDownLatch blockNextFetch() {
            fetchStarted = new CountDownLatch(1);
            gate = new CountDownLatch(1);
            return gate;
        }

        @Override public char[] fetch(String ref) throws StoreException {
            int n = fetches.incrementAndGet();
            fetchStarted.countDown();
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                gate = null;
            }
            if (failing.get()) throw new StoreException("store 'fake' is down");
            char[] v = ("v" + n).toCharArray();
            returned.add(v);
            return v;
        }

        @Override public void close() { closed.set(true); }
    }

    static final class TestClock extends Clock {
        private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        void advance(Duration d) { millis.addAndGet(d.toMillis()); }

        @Override public long millis() { return millis.get(); }
        @Override public Instant instant() { return Instant.ofEpochMilli(millis.get()); }
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
    }
}
