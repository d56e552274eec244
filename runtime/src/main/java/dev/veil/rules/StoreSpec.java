package dev.veil.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of {@code stores:}. Options are already type-checked against the store type's
 * declared options: String, List&lt;String&gt; or java.time.Duration values.
 */
public final class StoreSpec {
    private final String name;
    private final String type;
    private final Map<String, Object> options;

    public StoreSpec(String name, String type, Map<String, Object> options) {
        this.name = name;
        this.type = type;
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    public String name() { return name; }
    public String type() { return type; }
    public Map<String, Object> options() { return options; }

    public <T> T option(String key, Class<T> kind) {
        Object v = options.get(key);
        return v == null ? null : kind.cast(v);
    }
}
