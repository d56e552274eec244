package dev.veil.rules;

import dev.veil.store.SecretStoreProvider;
import dev.veil.store.SecretStoreProvider.OptionKind;
import dev.veil.store.StoreTypes;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Loads and validates a rules file (YAML or JSON, {@code version: 1}). Strict: unknown keys, wrong
 * types and bad values are all reported at once, in file order, as {@code file:line:column: message}.
 * Messages quote values as written, never after {@code ${VAR}} expansion.
 */
public final class RulesLoader {
    /** Credential and store names. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern PATTERN_NAME = Pattern.compile("[a-z0-9-]+");
    /** An HTTP method is a token (RFC 9110, section 5.6.2). */
    private static final Pattern METHOD = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int MIN_PLACEHOLDER = 6;
    private static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    private static final Duration DEFAULT_MAX_STALE = Duration.ofMinutes(15);
    private static final Duration DEFAULT_AUDIT_SYNC = Duration.ofSeconds(1);
    private static final Duration DEFAULT_ROTATION_WINDOW = Duration.ofMinutes(1);
    private static final String DEFAULT_AUDIT = "~/.veil/audit.jsonl";
    /** Strings that, matched against an empty-matching regex, reveal it would redact everywhere. */
    private static final List<String> EMPTY_PROBES = List.of("", "a", "Z", "0", " ", "\n", "veil:x");

    private static final List<String> TOP_KEYS = List.of(
            "version", "stores", "credentials", "scrub", "egress", "audit", "on-store-error", "max-stale", "rotation-window");
    private static final List<String> CREDENTIAL_KEYS = List.of(
            "placeholder", "source", "ttl", "agents", "allow", "rate", "approval");
    private static final List<String> URL_KEYS = List.of("url", "methods", "in");
    private static final List<String> JDBC_KEYS = List.of("jdbc", "user", "read-only", "statement-rate");
    private static final List<String> SCRUB_KEYS = List.of("detectors", "patterns");
    private static final List<String> PATTERN_KEYS = List.of("name", "regex");

    private final String origin;
    private final List<Problem> problems;

    private RulesLoader(String origin, List<Problem> problems) {
        this.origin = origin;
        this.problems = problems;
    }

    /** Reads a rules file; {@code ${VAR}} expands from the process environment. */
    public static Rules load(Path file) throws RulesException, IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new RulesException(List.of(new Problem(file.toString(), 1, 1, "the rules file is not valid UTF-8")));
        }
        return parse(file.toString(), text, System.getenv());
    }

    /**
     * Parses rules text. {@code origin} names the file in messages and picks JSON when it ends in
     * {@code .json} (or the text starts with '{'); {@code env} supplies {@code ${VAR}} values.
     */
    public static Rules parse(String origin, String text, Map<String, String> env) throws RulesException {
        List<Problem> problems = new ArrayList<>();
        Node root = NodeReader.read(origin, text, env, problems);
        Rules rules = root == null ? null : new RulesLoader(origin, problems).rules(root);
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
            throw new RulesException(problems);
        }
        return rules;
    }

    /** The rules without a rules file: no credentials, built-in detectors, the implied local store, defaults. */
    public static Rules scrubOnly() {
        Map<String, StoreSpec> stores = new LinkedHashMap<>();
        stores.put("local", impliedLocalStore());
        return new Rules("builtin", stores, Map.of(), new ScrubSettings(true, List.of()), true,
                Paths.get(home(DEFAULT_AUDIT)), DEFAULT_AUDIT_SYNC, Rules.StoreErrorMode.FAIL_CLOSED, DEFAULT_MAX_STALE,
                DEFAULT_ROTATION_WINDOW);
    }

    /** {@code local: {type: file, path: ~/.veil/vault, key: env:VEIL_VAULT_KEY}}, present unless redefined. */
    public static StoreSpec impliedLocalStore() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("path", home("~/.veil/vault"));
        options.put("key", "env:VEIL_VAULT_KEY");
        return new StoreSpec("local", "file", options);
    }

    private Rules rules(Node root) {
        if (root.kind != Node.Kind.MAP) {
            problem(root, "the rules file must be a map of keys such as 'version: 1', found " + root.kind.description);
            return null;
        }
        checkKeys(root, TOP_KEYS);
        Node.Field version = root.field("version");
        if (version == null) {
            problem(root, "missing required key 'version' (this format is version 1)");
        } else if (typed(version.value, Node.Kind.INTEGER, label(version)) != null
                && !new BigInteger(version.value.text).equals(BigInteger.ONE)) {
            problem(version.value, "unsupported version " + version.value.raw + ": this Veil reads version 1");
        }
        Set<String> storeNames = new TreeSet<>();
        Map<String, StoreSpec> stores = stores(root.field("stores"), storeNames);
        Map<String, Credential> credentials = credentials(root.field("credentials"), storeNames);
        ScrubSettings scrub = scrub(root.field("scrub"));
        boolean blockRealSecrets = egress(root.field("egress"));
        Path auditPath = audit(root.field("audit"));
        Duration auditSync = auditSync(root.field("audit"));
        String mode = choice(root.field("on-store-error"), "fail-closed", List.of("fail-closed", "serve-stale"));
        Duration maxStale = duration(root.field("max-stale"), DEFAULT_MAX_STALE);
        Duration rotationWindow = duration(root.field("rotation-window"), DEFAULT_ROTATION_WINDOW);
        if (mode == null) return null;
        return new Rules(origin, stores, credentials, scrub, blockRealSecrets, auditPath, auditSync,
                mode.equals("serve-stale") ? Rules.StoreErrorMode.SERVE_STALE : Rules.StoreErrorMode.FAIL_CLOSED, maxStale,
                rotationWindow);
    }

    // ---- stores ----

    private Map<String, StoreSpec> stores(Node.Field field, Set<String> names) {
        Map<String, StoreSpec> declared = new LinkedHashMap<>();
        Node map = field == null ? null : typed(field.value, Node.Kind.MAP, label(field));
        if (map != null) {
            for (Node.Field s : map.fields.values()) {
                names.add(s.key); // even when invalid, so credentials naming it get no second complaint
                if (!NAME.matcher(s.key).matches()) problem(s, "bad store name '" + s.key + "': " + nameRule());
                StoreSpec spec = store(s);
                if (spec != null) declared.put(s.key, spec);
            }
        }
        Map<String, StoreSpec> stores = new LinkedHashMap<>();
        if (!names.contains("local")) {
            stores.put("local", impliedLocalStore());
            names.add("local");
        }
        stores.putAll(declared);
        return stores;
    }

    private StoreSpec store(Node.Field s) {
        Node map = typed(s.value, Node.Kind.MAP, label(s));
        if (map == null) return null;
        Node.Field typeField = map.field("type");
        if (typeField == null) {
            problem(s, "missing required key 'type' in store '" + s.key + "' (known types: " + String.join(", ", StoreTypes.all().keySet()) + ")");
            return null;
        }
        String type = string(typeField);
        if (type == null) return null;
        SecretStoreProvider provider = StoreTypes.all().get(type);
        if (provider == null) {
            problem(typeField.value, "unknown store type '" + typeField.value.raw + "' (known types: "
                    + String.join(", ", StoreTypes.all().keySet()) + ")");
            return null;
        }
        List<String> allowed = new ArrayList<>();
        allowed.add("type");
        allowed.addAll(new TreeSet<>(provider.options().keySet()));
        checkKeys(map, allowed);
        int before = problems.size();
        Map<String, Object> options = new LinkedHashMap<>();
        for (Node.Field o : map.fields.values()) {
            OptionKind kind = provider.options().get(o.key);
            Object value = kind == null ? null : option(o, kind);
            if (value != null) options.put(o.key, value);
        }
        for (String required : new TreeSet<>(provider.required())) {
            if (map.field(required) == null) problem(s, "missing required key '" + required + "' in store '" + s.key + "'");
        }
        return problems.size() == before ? new StoreSpec(s.key, type, options) : null;
    }

    private Object option(Node.Field o, OptionKind kind) {
        switch (kind) {
            case STRING_LIST: {
                List<String> values = strings(o);
                if (values != null && values.isEmpty()) problem(o.value, "'" + o.key + "' is empty");
                return values;
            }
            case DURATION:
                return duration(o, null);
            default: {
                String value = string(o);
                if (value == null) return null;
                if (o.key.equals("key")) return keyReference(o, value);
                return o.key.equals("path") ? home(value) : value;
            }
        }
    }

    /** A vault key is named by where it lives, never written into the rules file itself. */
    private String keyReference(Node.Field o, String value) {
        if (value.startsWith("env:") && ENV_NAME.matcher(value.substring(4)).matches()) return value;
        if (value.startsWith("file:") && value.length() > 5) return "file:" + home(value.substring(5));
        // The value is not quoted: it may be the key itself.
        problem(o.value, "'key' must be env:NAME or file:PATH, saying where the vault key is kept; "
                + "a key written into the rules file would sit next to the vault it unlocks");
        return null;
    }

    // ---- credentials ----

    private Map<String, Credential> credentials(Node.Field field, Set<String> storeNames) {
        Map<String, Credential> credentials = new LinkedHashMap<>();
        Node map = field == null ? null : typed(field.value, Node.Kind.MAP, label(field));
        if (map == null) return credentials;
        Map<String, String> placeholders = new HashMap<>();
        for (Node.Field c : map.fields.values()) {
            Credential credential = credential(c, storeNames, placeholders);
            if (credential != null) credentials.put(c.key, credential);
        }
        return credentials;
    }

    private Credential credential(Node.Field c, Set<String> storeNames, Map<String, String> placeholders) {
        int before = problems.size();
        if (!NAME.matcher(c.key).matches()) problem(c, "bad credential name '" + c.key + "': " + nameRule());
        Node map = typed(c.value, Node.Kind.MAP, label(c));
        if (map == null) return null;
        checkKeys(map, CREDENTIAL_KEYS);

        Node.Field placeholderField = map.field("placeholder");
        String placeholder = placeholderField == null ? "veil:" + c.key : string(placeholderField);
        if (placeholder != null) {
            checkPlaceholder(c, placeholderField, placeholder, placeholders);
        }

        String store = null;
        String ref = null;
        Node.Field source = map.field("source");
        if (source == null) {
            problem(c, "missing required key 'source' in credential '" + c.key + "' (where the real value lives, such as local/" + c.key + ")");
        } else {
            String text = string(source);
            int slash = text == null ? -1 : text.indexOf('/');
            if (text != null && (slash <= 0 || slash == text.length() - 1)) {
                problem(source.value, "bad source '" + source.value.raw + "': expected <store>/<reference> such as local/" + c.key);
            } else if (text != null) {
                store = text.substring(0, slash);
                ref = text.substring(slash + 1);
                if (!storeNames.contains(store)) {
                    String shown = source.value.substituted.isEmpty() ? store : source.value.raw;
                    problem(source.value, "unknown store '" + shown + "' (stores: " + String.join(", ", storeNames) + ")");
                }
            }
        }

        Duration ttl = duration(map.field("ttl"), DEFAULT_TTL);
        Set<String> agents = agents(map.field("agents"));
        List<Grant> allow = allow(c, map.field("allow"));
        Node.Field rateField = map.field("rate");
        Rate rate = rateField == null ? null : parsed(rateField, Rate::parse, "a rate such as 120/min");
        String approval = choice(map.field("approval"), "none", List.of("none", "once", "always"));
        if (problems.size() != before) return null;
        return new Credential(c.key, placeholder, store, ref, ttl, agents, allow, rate,
                Credential.Approval.valueOf(approval.toUpperCase(Locale.ROOT)));
    }

    private void checkPlaceholder(Node.Field credential, Node.Field field, String placeholder, Map<String, String> seen) {
        Node at = field == null ? null : field.value;
        String shown = field == null ? placeholder : field.value.raw;
        if (placeholder.codePointCount(0, placeholder.length()) < MIN_PLACEHOLDER) {
            report(credential, at, "placeholder '" + shown + "' is too short: it needs at least " + MIN_PLACEHOLDER
                    + " characters so that it cannot turn up by accident");
        } else if (placeholder.codePoints().anyMatch(ch -> Character.isWhitespace(ch) || Character.isSpaceChar(ch) || Character.isISOControl(ch))) {
            report(credential, at, "placeholder '" + shown + "' must not contain whitespace or control characters");
        }
        String first = seen.putIfAbsent(placeholder, credential.key);
        if (first != null) {
            report(credential, at, "placeholder '" + shown + "' is already used by credential '" + first + "'");
        }
    }

    private Set<String> agents(Node.Field field) {
        if (field == null) return Set.of();
        List<String> agents = strings(field);
        if (agents == null) return Set.of();
        if (agents.isEmpty()) problem(field.value, "'agents' is empty: omit it to allow every agent, or name at least one");
        for (int i = 0; i < agents.size(); i++) {
            if (agents.get(i).isEmpty()) problem(field.value.items.get(i), "an agent name must not be empty");
        }
        return new LinkedHashSet<>(agents);
    }

    private List<Grant> allow(Node.Field credential, Node.Field field) {
        List<Grant> grants = new ArrayList<>();
        Node list = field == null ? null : typed(field.value, Node.Kind.LIST, label(field));
        if (field == null || (list != null && list.items.isEmpty())) {
            report(credential, field == null ? null : field.value,
                    "credential '" + credential.key + "' has no allow entries: it could never be used");
        }
        if (list == null) return grants;
        for (Node entry : list.items) {
            Grant grant = grant(entry);
            if (grant != null) grants.add(grant);
        }
        return grants;
    }

    private Grant grant(Node entry) {
        if (entry.kind != Node.Kind.MAP) {
            problem(entry, "an allow entry must be a map with 'url' or 'jdbc', found " + entry.kind.description);
            return null;
        }
        Node.Field url = entry.field("url");
        Node.Field jdbc = entry.field("jdbc");
        if (url == null && jdbc == null) {
            List<String> all = new ArrayList<>(URL_KEYS);
            all.addAll(JDBC_KEYS);
            checkKeys(entry, all);
            problem(entry, "an allow entry needs 'url' (an HTTP destination) or 'jdbc' (a database)");
            return null;
        }
        boolean isUrl = jdbc == null || (url != null && before(url, jdbc));
        List<String> own = isUrl ? URL_KEYS : JDBC_KEYS;
        List<String> other = isUrl ? JDBC_KEYS : URL_KEYS;
        int before = problems.size();
        for (Node.Field k : entry.fields.values()) {
            if (other.contains(k.key)) {
                problem(k, "'" + k.key + "' belongs to a " + (isUrl ? "jdbc" : "url") + " grant: an allow entry is either "
                        + "url (with methods, in) or jdbc (with user, read-only, statement-rate), not both");
            } else if (!own.contains(k.key)) {
                unknownKey(k, own);
            }
        }
        String location = origin + ":" + entry.line + ":" + entry.column;
        Grant grant = isUrl ? urlGrant(entry, url, location) : jdbcGrant(entry, jdbc, location);
        return problems.size() == before ? grant : null;
    }

    private static boolean before(Node.Field a, Node.Field b) {
        return a.line < b.line || (a.line == b.line && a.column < b.column);
    }

    private HttpGrant urlGrant(Node entry, Node.Field url, String location) {
        UrlPattern pattern = parsed(url, UrlPattern::parse, "a url pattern such as https://api.example.com/v1/**");
        Set<String> methods = new LinkedHashSet<>();
        Node.Field methodsField = entry.field("methods");
        List<String> names = methodsField == null ? List.of() : strings(methodsField);
        if (names != null && methodsField != null && names.isEmpty()) {
            problem(methodsField.value, "'methods' is empty: omit it to allow every method, or name at least one");
        }
        for (int i = 0; names != null && i < names.size(); i++) {
            Node at = methodsField.value.items.get(i);
            String method = names.get(i);
            if (method.equals("*")) {
                problem(at, "bad method '*': omit 'methods' to allow every method");
            } else if (!METHOD.matcher(method).matches()) {
                problem(at, "bad method '" + at.raw + "': expected an HTTP method such as GET or POST");
            } else {
                methods.add(method.toUpperCase(Locale.ROOT));
            }
        }
        Set<HttpGrant.Part> in = EnumSet.noneOf(HttpGrant.Part.class);
        Node.Field inField = entry.field("in");
        if (inField == null) {
            in.add(HttpGrant.Part.HEADER);
        } else {
            List<String> parts = strings(inField);
            if (parts != null && parts.isEmpty()) {
                problem(inField.value, "'in' is empty: name at least one of header, query, userinfo, body");
            }
            for (int i = 0; parts != null && i < parts.size(); i++) {
                HttpGrant.Part part = part(parts.get(i));
                if (part == null) {
                    Node at = inField.value.items.get(i);
                    problem(at, "bad 'in' entry '" + at.raw + "': expected header, query, userinfo or body" + suggestion(parts.get(i), partKeywords()));
                } else {
                    in.add(part);
                }
            }
        }
        return pattern == null ? null : new HttpGrant(pattern, methods, in, location);
    }

    private static HttpGrant.Part part(String keyword) {
        for (HttpGrant.Part p : HttpGrant.Part.values()) {
            if (p.keyword().equals(keyword)) return p;
        }
        return null;
    }

    private static List<String> partKeywords() {
        List<String> keywords = new ArrayList<>();
        for (HttpGrant.Part p : HttpGrant.Part.values()) keywords.add(p.keyword());
        return keywords;
    }

    private JdbcGrant jdbcGrant(Node entry, Node.Field jdbc, String location) {
        JdbcPattern pattern = parsed(jdbc, JdbcPattern::parse, "a jdbc pattern such as jdbc:postgresql://localhost:*/orders");
        Node.Field userField = entry.field("user");
        String user = userField == null ? null : string(userField);
        if (user != null && user.isEmpty()) problem(userField.value, "'user' is empty: omit it to allow any database user");
        Node.Field readOnlyField = entry.field("read-only");
        Boolean readOnly = readOnlyField == null ? Boolean.FALSE : bool(readOnlyField);
        Node.Field rateField = entry.field("statement-rate");
        Rate statementRate = rateField == null ? null : parsed(rateField, Rate::parse, "a rate such as 600/min");
        if (pattern == null || readOnly == null || (rateField != null && statementRate == null)) return null;
        return new JdbcGrant(pattern, user, readOnly, statementRate, location);
    }

    // ---- scrub, egress, audit ----

    private ScrubSettings scrub(Node.Field field) {
        Node map = field == null ? null : typed(field.value, Node.Kind.MAP, label(field));
        if (map == null) return new ScrubSettings(true, List.of());
        checkKeys(map, SCRUB_KEYS);
        String detectors = choice(map.field("detectors"), "builtin", List.of("builtin", "none"));
        List<ScrubSettings.NamedPattern> patterns = new ArrayList<>();
        Node.Field patternsField = map.field("patterns");
        Node list = patternsField == null ? null : typed(patternsField.value, Node.Kind.LIST, label(patternsField));
        Map<String, Node.Field> names = new HashMap<>();
        for (Node entry : list == null ? List.<Node>of() : list.items) {
            ScrubSettings.NamedPattern pattern = namedPattern(entry, names);
            if (pattern != null) patterns.add(pattern);
        }
        return new ScrubSettings(!"none".equals(detectors), patterns);
    }

    private ScrubSettings.NamedPattern namedPattern(Node entry, Map<String, Node.Field> names) {
        Node map = typed(entry, Node.Kind.MAP, "'patterns' entry");
        if (map == null) return null;
        checkKeys(map, PATTERN_KEYS);
        Node.Field nameField = map.field("name");
        Node.Field regexField = map.field("regex");
        if (nameField == null) problem(map, "missing required key 'name' in scrub pattern");
        if (regexField == null) problem(map, "missing required key 'regex' in scrub pattern");
        String name = nameField == null ? null : string(nameField);
        if (name != null && !PATTERN_NAME.matcher(name).matches()) {
            problem(nameField.value, "bad pattern name '" + nameField.value.raw + "': use lower-case letters, digits and '-'");
            name = null;
        } else if (name != null && names.containsKey(name)) {
            Node.Field first = names.get(name);
            problem(nameField.value, "pattern name '" + nameField.value.raw + "' is already used at line " + first.line + ", column " + first.column);
            name = null;
        } else if (name != null) {
            names.put(name, nameField);
        }
        String regex = regexField == null ? null : string(regexField);
        Pattern compiled = null;
        if (regex != null) {
            try {
                compiled = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                problem(regexField.value, "bad regex: " + e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
            }
        }
        if (compiled != null && matchesEmpty(compiled)) {
            problem(regexField.value, "regex can match the empty string: it would redact everywhere");
            compiled = null;
        }
        return name == null || compiled == null ? null : new ScrubSettings.NamedPattern(name, compiled);
    }

    private static boolean matchesEmpty(Pattern pattern) {
        for (String probe : EMPTY_PROBES) {
            java.util.regex.Matcher m = pattern.matcher(probe);
            while (m.find()) {
                if (m.start() == m.end()) return true;
            }
        }
        return false;
    }

    private boolean egress(Node.Field field) {
        Node map = field == null ? null : typed(field.value, Node.Kind.MAP, label(field));
        if (map == null) return true;
        checkKeys(map, List.of("block-real-secrets"));
        Node.Field block = map.field("block-real-secrets");
        Boolean value = block == null ? Boolean.TRUE : bool(block);
        return value == null || value;
    }

    /** {@code sync: always} forces each record before the call it records returns; a duration defers that. */
    private Duration auditSync(Node.Field field) {
        Node.Field sync = field == null || field.value.kind != Node.Kind.MAP ? null : field.value.field("sync");
        if (sync == null) return DEFAULT_AUDIT_SYNC;
        if (sync.value.kind == Node.Kind.STRING && "always".equals(sync.value.text)) return Duration.ZERO;
        return parsed(sync, Durations::parse, "always or a duration such as 1s");
    }

    private Path audit(Node.Field field) {
        Node map = field == null ? null : typed(field.value, Node.Kind.MAP, label(field));
        Node.Field pathField = map == null ? null : map.field("path");
        if (map != null) checkKeys(map, List.of("path", "sync"));
        String text = pathField == null ? DEFAULT_AUDIT : string(pathField);
        if (text == null) return null;
        if (text.isEmpty()) {
            problem(pathField.value, "'path' is empty");
            return null;
        }
        try {
            return Paths.get(home(text));
        } catch (InvalidPathException e) {
            problem(pathField.value, "bad path '" + pathField.value.raw + "': " + pathField.value.hideExpansion(e.getReason()));
            return null;
        }
    }

    // ---- typed access; each reports its own problem and returns null ----

    private Node typed(Node node, Node.Kind kind, String label) {
        return typed(node, kind, label, kind == Node.Kind.BOOLEAN ? "true or false" : kind.description);
    }

    private Node typed(Node node, Node.Kind kind, String label, String expected) {
        if (node.kind == Node.Kind.STRING && node.text == null) return null; // already reported
        if (node.kind == kind) return node;
        String found = node.kind.description;
        if (node.kind == Node.Kind.BOOLEAN && !node.raw.equalsIgnoreCase(node.text)) {
            found += " (YAML reads " + node.raw + " as " + node.text + "; quote it)";
        }
        problem(node, label + " must be " + expected + ", found " + found);
        return null;
    }

    private String string(Node.Field field) {
        Node node = typed(field.value, Node.Kind.STRING, label(field));
        return node == null ? null : node.text;
    }

    private Boolean bool(Node.Field field) {
        Node node = typed(field.value, Node.Kind.BOOLEAN, label(field));
        return node == null ? null : Boolean.valueOf(node.text);
    }

    /** A list of strings; null if the list itself is not one. A bad entry is reported and left out. */
    private List<String> strings(Node.Field field) {
        Node list = typed(field.value, Node.Kind.LIST, label(field));
        if (list == null) return null;
        List<String> values = new ArrayList<>();
        for (Node item : list.items) {
            Node s = typed(item, Node.Kind.STRING, "'" + field.key + "' entry");
            values.add(s == null ? null : s.text);
        }
        return values.contains(null) ? null : values;
    }

    private Duration duration(Node.Field field, Duration absent) {
        return field == null ? absent : parsed(field, Durations::parse, "a duration such as 5m");
    }

    /** A string parsed by one of the model's parsers; its message is the problem, with expansions hidden. */
    private <T> T parsed(Node.Field field, Function<String, T> parser, String expected) {
        Node node = typed(field.value, Node.Kind.STRING, label(field), expected);
        String text = node == null ? null : node.text;
        if (text == null) return null;
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            problem(field.value, field.value.hideExpansion(e.getMessage()));
            return null;
        }
    }

    private String choice(Node.Field field, String absent, List<String> allowed) {
        if (field == null) return absent;
        Node node = typed(field.value, Node.Kind.STRING, label(field), "one of " + String.join(", ", allowed));
        String text = node == null ? null : node.text;
        if (text == null || allowed.contains(text)) return text;
        problem(field.value, label(field) + " must be one of " + String.join(", ", allowed) + ", found '"
                + field.value.raw + "'" + suggestion(text, allowed));
        return null;
    }

    private void checkKeys(Node map, Collection<String> allowed) {
        for (Node.Field f : map.fields.values()) {
            if (!allowed.contains(f.key)) unknownKey(f, allowed);
        }
    }

    private void unknownKey(Node.Field f, Collection<String> allowed) {
        String hint = suggestion(f.key, allowed);
        problem(f, "unknown key '" + f.key + "'" + (hint.isEmpty() ? " (expected one of: " + String.join(", ", allowed) + ")" : hint));
    }

    /** {@code "; did you mean 'x'?"} for the closest candidate within a small edit distance, else "". */
    static String suggestion(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word.toLowerCase(Locale.ROOT), c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        int limit = word.length() <= 4 ? 1 : 2;
        return best != null && bestDistance <= limit ? "; did you mean '" + best + "'?" : "";
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String label(Node.Field field) { return "'" + field.key + "'"; }

    private static String nameRule() {
        return "use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit";
    }

    private static String home(String path) {
        if (path.equals("~")) return System.getProperty("user.home");
        return path.startsWith("~/") ? Paths.get(System.getProperty("user.home"), path.substring(2)).toString() : path;
    }

    /** At {@code node} when the value was written, else at the key of the entry it belongs to. */
    private void report(Node.Field owner, Node node, String message) {
        if (node == null) problem(owner, message);
        else problem(node, message);
    }

    private void problem(Node node, String message) {
        problems.add(new Problem(origin, node.line, node.column, message));
    }

    private void problem(Node.Field field, String message) {
        problems.add(new Problem(origin, field.line, field.column, message));
    }
}
