package dev.veil.store;

import dev.veil.rules.Rules;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The only place real values are kept, in memory only, in front of every store.
 * <ul>
 * <li>Each value lives for its credential's TTL ±10% (jitter, so values fetched together do not
 *     all expire together), then is dropped and its array zeroed.
 * <li>Refresh-ahead: a value past 80% of its lifetime is still served, while one background
 *     daemon thread fetches its successor.
 * <li>Single-flight: concurrent misses for one store/ref cause one store fetch; the others wait for it.
 * <li>Store errors: fail closed; or, with {@link Rules.StoreErrorMode#SERVE_STALE}, keep serving
 *     the last value for at most {@code maxStale} past its expiry, then fail closed.
 * </ul>
 * {@link #get} returns a fresh copy each time, so zeroing an expired value can never pull it from
 * under a caller that is still using it. Thread-safe.
 */
public final class SecretCache implements AutoCloseable {
    private static final double JITTER = 0.10;
    private static final double REFRESH_AT = 0.80;
    private static final long SWEEP_MILLIS = 1000;
    /** Least time between fetch attempts for one value while its store is failing. */
    private static final long RETRY_MILLIS = 1000;

    private final Map<String, SecretStore> stores;
    private final boolean serveStale;
    private final long maxStaleMillis;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<Entry>> loading = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor background;

    /**
     * @param stores   open stores by name; the cache owns them from now on and closes them in {@link #close()}
     * @param mode     what to do when a store fails
     * @param maxStale how long past expiry a value may be served while its store fails (SERVE_STALE only)
     * @param clock    time source (tests pass a controllable one)
     */
    public SecretCache(Map<String, SecretStore> stores, Rules.StoreErrorMode mode, Duration maxStale, Clock clock) {
        this.stores = Map.copyOf(stores);
        this.serveStale = mode == Rules.StoreErrorMode.SERVE_STALE;
        this.maxStaleMillis = maxStale == null ? 0 : maxStale.toMillis();
        this.clock = clock;
        this.background = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "veil-secret-cache");
            t.setDaemon(true);
            return t;
        });
        background.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Opens every store of {@code rules} and puts a cache in front of them, using the system clock. */
    public static SecretCache forRules(Rules rules) throws StoreException {
        return new SecretCache(Stores.open(rules), rules.onStoreError(), rules.maxStale(), Clock.systemUTC());
    }

    /**
     * The value of {@code ref} in {@code store}, fetched now if not cached for less than {@code ttl}.
     * Returns a copy that the caller owns and should zero when done.
     */
    public char[] get(String store, String ref, Duration ttl) throws StoreException {
        String key = store + '\0' + ref;
        while (true) {
            long now = clock.millis();
            Entry e = entries.get(key);
            if (e != null && (now < e.expiresAt || (e.stale && now < e.expiresAt + maxStaleMillis))) {
                char[] v = e.copy();
                if (v == null) continue; // replaced and zeroed just now: look again
                if (now >= e.refreshAt) refreshAhead(key, store, ref, ttl, e);
                return v;
            }
            try {
                char[] v = load(key, store, ref, ttl, e).copy();
                if (v != null) return v;
            } catch (StoreException failure) {
                Entry last = entries.get(key);
                if (last != null && now < last.expiresAt + (serveStale ? maxStaleMillis : 0)) {
                    char[] v = last.copy();
                    if (v != null) {
                        // From now on serve it without waiting on the store; retry in the background.
                        last.stale = serveStale;
                        last.refreshAt = now + RETRY_MILLIS;
                        return v;
                    }
                }
                if (last != null && now >= last.expiresAt) drop(key, last);
                throw failure;
            }
        }
    }

    /** Forgets one value (zeroing it), so the next {@link #get} fetches it again; for rotation. */
    public void invalidate(String store, String ref) {
        String key = store + '\0' + ref;
        Entry e = entries.get(key);
        if (e != null) drop(key, e);
    }

    /**
     * Forgets the value of {@code ref} in {@code store} only if it is still {@code failed} (a value the destination
     * refused), so the next {@link #get} fetches it again. A value fetched since, by any thread, is kept: threads
     * refused with the same old value all end up with one new fetch, never dropping each other's fresh value.
     *
     * @return whether the cached value was {@code failed} and is now dropped
     */
    public boolean invalidate(String store, String ref, char[] failed) {
        String key = store + '\0' + ref;
        Entry e = entries.get(key);
        // remove(key, e) is by identity: if e was replaced after the comparison, the newer entry stays.
        if (e == null || !e.holds(failed) || !entries.remove(key, e)) return false;
        e.zero();
        return true;
    }

    /** Forgets every value. */
    public void invalidateAll() {
        for (Map.Entry<String, Entry> me : entries.entrySet()) drop(me.getKey(), me.getValue());
    }

    /** Drops (and zeroes) every value past its expiry, or past the stale allowance in SERVE_STALE mode. */
    void sweep() {
        long now = clock.millis();
        long keep = serveStale ? maxStaleMillis : 0;
        for (Map.Entry<String, Entry> me : entries.entrySet()) {
            if (now >= me.getValue().expiresAt + keep) drop(me.getKey(), me.getValue());
        }
    }

    /** Stops the background thread, zeroes every value and closes the stores. */
    @Override public void close() {
        background.shutdownNow();
        invalidateAll();
        for (SecretStore s : stores.values()) s.close();
    }

    /**
     * Fetches once per key at a time. {@code replacing} is the entry the caller saw (or null): if a
     * different, unexpired one is there by now, another thread already fetched it.
     */
    private Entry load(String key, String store, String ref, Duration ttl, Entry replacing) throws StoreException {
        CompletableFuture<Entry> mine = new CompletableFuture<>();
        CompletableFuture<Entry> running = loading.putIfAbsent(key, mine);
        if (running != null) return await(running, store, ref);
        try {
            Entry there = entries.get(key);
            if (there != null && there != replacing && clock.millis() < there.expiresAt) {
                mine.complete(there);
                return there;
            }
            Entry fresh = newEntry(fetch(store, ref), ttl);
            Entry old = entries.put(key, fresh);
            if (old != null) old.zero();
            mine.complete(fresh);
            return fresh;
        } catch (StoreException | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(key, mine);
        }
    }

    private char[] fetch(String store, String ref) throws StoreException {
        SecretStore s = stores.get(store);
        if (s == null) throw new StoreException("no store named '" + store + "'");
        char[] v;
        try {
            v = s.fetch(ref);
        } catch (RuntimeException e) {
            throw new StoreException("store '" + store + "' failed fetching '" + ref + "': " + e.getClass().getName(), e);
        }
        if (v == null) throw new StoreException("store '" + store + "' returned nothing for '" + ref + "'");
        return v;
    }

    private static Entry await(CompletableFuture<Entry> running, String store, String ref) throws StoreException {
        try {
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted waiting for store '" + store + "' to fetch '" + ref + "'");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StoreException) throw new StoreException(cause.getMessage(), cause);
            throw new StoreException("store '" + store + "' failed fetching '" + ref + "': " + cause.getClass().getName(), cause);
        }
    }

    private void refreshAhead(String key, String store, String ref, Duration ttl, Entry e) {
        if (!e.refreshing.compareAndSet(false, true)) return;
        try {
            background.execute(() -> {
                try {
                    load(key, store, ref, ttl, e);
                } catch (StoreException | RuntimeException failure) {
                    // Keep serving what we have; try again halfway through the time left, or soon if stale.
                    long now = clock.millis();
                    e.refreshAt = now + Math.max(RETRY_MILLIS, (e.expiresAt - now) / 2);
                    e.refreshing.set(false);
                }
            });
        } catch (RejectedExecutionException closed) {
            e.refreshing.set(false);
        }
    }

    private Entry newEntry(char[] value, Duration ttl) {
        long now = clock.millis();
        long life = Math.round(ttl.toMillis() * (1 + JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1)));
        return new Entry(value, now + life, now + Math.round(life * REFRESH_AT));
    }

    private void drop(String key, Entry e) {
        if (entries.remove(key, e)) e.zero();
    }

    private static final class Entry {
        private char[] value; // guarded by this; null once zeroed
        final long expiresAt;
        volatile long refreshAt;
        /** Past expiry and served anyway because its store failed (SERVE_STALE only). */
        volatile boolean stale;
        final AtomicBoolean refreshing = new AtomicBoolean();

        Entry(char[] value, long expiresAt, long refreshAt) {
            this.value = value;
            this.expiresAt = expiresAt;
            this.refreshAt = refreshAt;
        }

        synchronized char[] copy() { return value == null ? null : value.clone(); }

        /** Whether this entry still holds {@code v}; compares every character, whatever the first difference. */
        synchronized boolean holds(char[] v) {
            if (value == null || v == null || value.length != v.length) return false;
            int diff = 0;
            for (int i = 0; i < v.length; i++) diff |= value[i] ^ v[i];
            return diff == 0;
        }

        synchronized void zero() {
            if (value != null) Arrays.fill(value, '\0');
            value = null;
        }
    }
}
