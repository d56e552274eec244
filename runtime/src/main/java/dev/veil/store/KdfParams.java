package dev.veil.store;

/** Argon2id cost parameters, stored in each vault's header. */
public final class KdfParams {
    /** The defaults for new vaults: 64 MiB, 3 passes, 1 lane. */
    public static final KdfParams DEFAULT = new KdfParams(64 * 1024, 3, 1);

    // Bounds on what a vault file may ask for, so a hostile header cannot make us allocate without limit.
    static final int MAX_MEMORY_KIB = 1024 * 1024;
    static final int MAX_ITERATIONS = 100;
    static final int MAX_PARALLELISM = 16;

    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;

    /**
     * @param memoryKiB   memory in KiB, at least 8 per lane, at most 1 GiB
     * @param iterations  passes, 1 to 100
     * @param parallelism lanes, 1 to 16
     */
    public KdfParams(int memoryKiB, int iterations, int parallelism) {
        if (!valid(memoryKiB, iterations, parallelism)) {
            throw new IllegalArgumentException("Argon2 parameters out of range: memory " + memoryKiB
                    + " KiB, " + iterations + " passes, " + parallelism + " lanes");
        }
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.parallelism = parallelism;
    }

    static boolean valid(long memoryKiB, long iterations, long parallelism) {
        return parallelism >= 1 && parallelism <= MAX_PARALLELISM
                && iterations >= 1 && iterations <= MAX_ITERATIONS
                && memoryKiB >= 8 * parallelism && memoryKiB <= MAX_MEMORY_KIB;
    }

    public int memoryKiB() { return memoryKiB; }
    public int iterations() { return iterations; }
    public int parallelism() { return parallelism; }

    @Override public boolean equals(Object o) {
        if (!(o instanceof KdfParams)) return false;
        KdfParams p = (KdfParams) o;
        return memoryKiB == p.memoryKiB && iterations == p.iterations && parallelism == p.parallelism;
    }

    @Override public int hashCode() { return (memoryKiB * 31 + iterations) * 31 + parallelism; }

    @Override public String toString() {
        return "Argon2id m=" + memoryKiB + "KiB t=" + iterations + " p=" + parallelism;
    }
}
