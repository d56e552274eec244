package dev.veil.inject;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Retrying a JDBC connect that the database refused for authentication, so a credential can be rotated (the
 * database password changed and the vault updated, in either order, some seconds apart) without the application
 * noticing. After each refusal the refused values are dropped from the cache and fetched again:
 * <ul>
 * <li>a value that changed is tried at once (the vault was rotated, the cache was stale), but never twice in a
 *     row without a pause, whatever the store returns;
 * <li>otherwise the retry pauses first (jittered exponential backoff, {@value #FIRST_PAUSE_MILLIS} ms doubling
 *     to {@value #MAX_PAUSE_MILLIS} ms) and fetches again after the pause: the store or the database may have
 *     caught up meanwhile.
 * </ul>
 * Retries stop when the window (from the first refusal) is over, the thread is interrupted, a credential was
 * revoked, a store fails or the audit log cannot be written: the driver's own exception then reaches the
 * application. Every retry is audited {@code inject}; a connect that succeeds with a new value, {@code rotate}.
 */
public final class LoginRetry {
    static final long FIRST_PAUSE_MILLIS = 250;
    static final long MAX_PAUSE_MILLIS = 8000;

    /** Waits; tests pass one that only advances their clock. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** The retries of one connect, from its first refusal. Belongs to the connecting thread. */
    public static final class Attempts {
        private final JdbcLogin first;
        private final long deadline;
        private int retries;
        private int pauses;
        private boolean lastAtOnce;
        private boolean rotated;

        Attempts(JdbcLogin first, long deadline) {
            this.first = first;
            this.deadline = deadline;
        }

        public int retries() { return retries; }
    }

    private final Injector injector;
    private final long windowMillis;
    private final LongSupplier millis;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    public LoginRetry(Injector injector, Duration window, LongSupplier millis, Sleeper sleeper, DoubleSupplier random) {
        this.injector = injector;
        this.windowMillis = window.toMillis();
        this.millis = millis;
        this.sleeper = sleeper;
        this.random = random;
    }

    /** With the system clock, real sleeps and thread-local randomness. */
    public static LoginRetry system(Injector injector, Duration window) {
        return new LoginRetry(injector, window, () -> System.nanoTime() / 1_000_000L, Thread::sleep,
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The retries of a connect that {@code refused} was just refused for. */
    public Attempts start(JdbcLogin refused) {
        return new Attempts(refused, millis.getAsLong() + windowMillis);
    }

    /**
     * The login to try next after the latest login of {@code attempts}, {@code refused}, was refused; null to give
     * up. Blocks for the pause, if one is due.
     */
    public JdbcLogin next(Attempts attempts, JdbcLogin refused) {
        try {
            if (millis.getAsLong() >= attempts.deadline) return null;
            JdbcLogin next = injector.jdbcRefetch(refused);
            boolean atOnce = !next.sameValues(refused) && !attempts.lastAtOnce;
            if (!atOnce) {
                long pause = Math.min(pause(attempts.pauses++), attempts.deadline - millis.getAsLong());
                if (pause <= 0) return null;
                sleeper.sleep(pause);
                next = injector.jdbcRefetch(refused);
            }
            attempts.lastAtOnce = atOnce;
            attempts.retries++;
            next.attempts = attempts;
            injector.jdbcAudit("inject", next, "retry " + attempts.retries + " after the database refused the login"
                    + (next.sameValues(attempts.first) ? " (same value)" : " (new value from the store)"));
            return next;
        } catch (VeilDeniedException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** {@code login} (made by {@link #next}) connected: audited {@code rotate}, once, if its values are new. */
    public void connected(JdbcLogin login) {
        Attempts a = login.attempts;
        if (a == null || a.rotated || login.sameValues(a.first)) return;
        a.rotated = true;
        try {
            injector.jdbcAudit("rotate", login, "the database refused the cached value; the value fetched again was accepted after "
                    + a.retries + (a.retries == 1 ? " retry" : " retries"));
        } catch (VeilDeniedException e) {
            // the connection is open already: nothing left to refuse
        }
    }

    /** Exponential, capped, with "equal jitter": between half and all of the step, so threads spread out. */
    long pause(int n) {
        long step = Math.min(MAX_PAUSE_MILLIS, FIRST_PAUSE_MILLIS << Math.min(n, 20));
        return step / 2 + (long) (random.getAsDouble() * (step / 2));
    }
}
