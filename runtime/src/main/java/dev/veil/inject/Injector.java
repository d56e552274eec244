package dev.veil.inject;

import dev.veil.audit.AuditEvent;
import dev.veil.audit.DeferredAuditLog;
import dev.veil.policy.Decision;
import dev.veil.policy.PolicyEngine;
import dev.veil.policy.SqlClassifier;
import dev.veil.rules.Credential;
import dev.veil.rules.HttpGrant;
import dev.veil.rules.Rules;
import dev.veil.scrub.Encodings;
import dev.veil.scrub.Scrubber;
import dev.veil.store.SecretCache;
import dev.veil.store.StoreException;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The one place a placeholder becomes a real value: find placeholders in one part of an outgoing
 * request, decide each, fetch and register the values, substitute, audit. Everything is denied
 * unless policy allows it (fail-closed), and a request part without placeholders is checked only
 * for real values leaving for a destination they are not allowed for.
 */
public final class Injector {
    private final Rules rules;
    private final String agent;
    private final PolicyEngine policy;
    private final SecretCache cache;
    private final Scrubber scrubber;
    private final DeferredAuditLog audit;
    private final PlaceholderScanner scanner;
    private final Map<String, Credential> byPlaceholder;
    private final StatementGuard.Shared guards = new StatementGuard.Shared();

    public Injector(Rules rules, String agent, PolicyEngine policy, SecretCache cache, Scrubber scrubber, DeferredAuditLog audit) {
        this.rules = rules;
        this.agent = agent;
        this.policy = policy;
        this.cache = cache;
        this.scrubber = scrubber;
        this.audit = audit;
        this.byPlaceholder = rules.credentials().values().stream()
                .collect(Collectors.toMap(Credential::placeholder, c -> c));
        this.scanner = new PlaceholderScanner(byPlaceholder.keySet());
    }

    /**
     * {@code text} (one header value, the query, the userinfo or a text body of a request to {@code uri})
     * with every placeholder replaced by its real value; the same instance when there was none.
     *
     * @throws VeilDeniedException when policy denies any placeholder, a store cannot produce a value,
     *         or a known real value is leaving for a destination its credential does not allow
     */
    public String http(String method, URI uri, HttpGrant.Part part, String text) throws VeilDeniedException {
        if (text == null || text.isEmpty()) return text;
        // Before substitution, so only real values that were already in the text count, placeholders or not.
        checkEgress(method, uri, text);
        if (!scanner.mayContain(text)) return text;
        List<PlaceholderScanner.Found> found = scanner.find(text);
        if (found.isEmpty()) return text;
        Map<String, Decision> allowed = new HashMap<>();
        for (PlaceholderScanner.Found f : found) {
            if (allowed.containsKey(f.placeholder())) continue;
            Decision d = policy.decideHttp(agent, method, uri, part, f.placeholder());
            if (!d.allowed()) {
                record("deny", d);
                throw new VeilDeniedException(d.message());
            }
            allowed.put(f.placeholder(), d);
        }
        Map<String, String> values = new HashMap<>();
        for (Decision d : allowed.values()) {
            values.put(d.credential().placeholder(), fetch(d));
        }
        String out = scanner.substitute(text, values::get);
        for (Decision d : allowed.values()) record("inject", d);
        return out;
    }

    /** Whether {@link #http} could change or refuse {@code text}: false for text with no placeholder and no real value. */
    public boolean involves(String text) {
        return text != null && !text.isEmpty()
                && (scanner.mayContain(text) || rules.blockRealSecrets() && !scrubber.placeholdersIn(text).isEmpty());
    }

    /**
     * A JDBC login about to be made, with placeholders (in the URL, the user, the password or any connection
     * property) swapped for real values; null when there is none. {@code info} is never changed: the result
     * holds a copy. Every placeholder is decided against the URL without user-info and the login user
     * ({@code user}, else the {@code user} property, else the URL's {@code user=} parameter or user-info),
     * as the application gave it.
     *
     * @throws VeilDeniedException when policy denies any placeholder or a store cannot produce a value
     */
    public JdbcLogin jdbc(String url, Properties info, String user, String password) throws VeilDeniedException {
        List<String> texts = new ArrayList<>();
        texts.add(url);
        texts.add(user);
        texts.add(password);
        if (info != null) {
            for (String name : info.stringPropertyNames()) texts.add(info.getProperty(name));
        }
        Map<String, Decision> allowed = new LinkedHashMap<>();
        // Worked out at the first placeholder: most connects a hook sees carry none.
        String login = null;
        String target = null;
        for (String text : texts) {
            if (text == null || !scanner.mayContain(text)) continue;
            for (PlaceholderScanner.Found f : scanner.find(text)) {
                if (allowed.containsKey(f.placeholder())) continue;
                if (target == null) {
                    login = loginUser(url, info, user);
                    target = JdbcUrls.withoutUserInfo(url);
                }
                Decision d = policy.decideJdbc(agent, target, login, f.placeholder());
                if (!d.allowed()) {
                    record("deny", d);
                    throw new VeilDeniedException(d.message());
                }
                allowed.put(f.placeholder(), d);
            }
        }
        if (allowed.isEmpty()) return null;
        List<Decision> decisions = new ArrayList<>(allowed.values());
        Map<String, String> values = new HashMap<>();
        for (Decision d : decisions) values.put(d.credential().placeholder(), fetch(d));
        JdbcLogin swapped = login(new JdbcLogin.Given(url, info == null ? null : JdbcUrls.copy(info), user, password), decisions, values);
        for (Decision d : decisions) record("inject", d);
        return swapped;
    }

    /** {@code user}, else the {@code user} property, else the URL's {@code user=} parameter or user-info. */
    private static String loginUser(String url, Properties info, String user) {
        if (user != null && !user.isEmpty()) return user;
        String property = info == null ? null : info.getProperty("user");
        return property != null && !property.isEmpty() ? property : JdbcUrls.user(url);
    }

    /**
     * The database refused {@code refused}: its values are dropped from the cache (unless another thread already
     * replaced them) and fetched again, for the same decisions. The result may carry the same values (the store
     * has not been updated yet); nothing is audited here.
     *
     * @throws VeilDeniedException when a credential was revoked meanwhile or a store cannot produce a value
     */
    public JdbcLogin jdbcRefetch(JdbcLogin refused) throws VeilDeniedException {
        Map<String, String> values = new HashMap<>();
        for (Decision d : refused.decisions()) {
            Credential c = d.credential();
            if (policy.revocations().isRevoked(d.agent(), c.name())) {
                throw new VeilDeniedException(denial(c.name(), d.destination(), "revoked for this agent"));
            }
            char[] old = refused.values().get(c.placeholder()).toCharArray();
            try {
                cache.invalidate(c.store(), c.ref(), old);
            } finally {
                Arrays.fill(old, '\0');
            }
            values.put(c.placeholder(), fetch(d));
        }
        return login(refused.given(), refused.decisions(), values);
    }

    /** Audits {@code event} (inject for a retry, rotate for a new value accepted) for each credential of {@code login}. */
    public void jdbcAudit(String event, JdbcLogin login, String reason) throws VeilDeniedException {
        for (Decision d : login.decisions()) {
            write(AuditEvent.builder().event(event).agent(agent).credential(d.credentialName())
                    .destination(d.destination()).rule(d.rule()).reason(reason).build());
        }
    }

    private JdbcLogin login(JdbcLogin.Given given, List<Decision> decisions, Map<String, String> values)
            throws VeilDeniedException {
        // given.info is a flat copy (defaults folded in), so a clone and its own entries are all there is.
        Properties props = given.info == null ? null : (Properties) given.info.clone();
        if (props != null) {
            for (Map.Entry<Object, Object> e : props.entrySet()) {
                if (!(e.getKey() instanceof String) || !(e.getValue() instanceof String)) continue;
                String swapped = swap((String) e.getValue(), values);
                if (swapped != e.getValue()) e.setValue(swapped);
            }
        }
        return new JdbcLogin(swapUrl(given.url, values), props, swap(given.user, values), swap(given.password, values),
                given, decisions, values, guards);
    }

    /**
     * A statement about to run on a connection guarded by {@code guard}: a write under a read-only grant
     * (SQLState 25006), or a statement over its grant's statement rate (SQLState 28000), is denied and audited
     * before it reaches the database.
     */
    public void jdbcStatement(StatementGuard guard, String sql) throws JdbcDeniedException {
        if (guard.readOnly()) {
            String why = SqlClassifier.writeReason(sql);
            if (why != null) {
                String reason = "read-only grant: " + why;
                audited(AuditEvent.builder().event("deny").agent(agent).credential(guard.credential())
                        .destination(guard.destination()).reason(reason).rule("read-only").build(), "25006");
                throw new JdbcDeniedException(denial(guard.credential(), guard.destination(), reason), "25006");
            }
        }
        if (!guard.statementRate()) return;
        for (Decision granted : guard.decisions()) {
            Decision d = policy.decideStatement(granted);
            if (!d.allowed()) {
                audited(AuditEvent.builder().event("deny").agent(agent).credential(d.credentialName())
                        .destination(d.destination()).rule(d.rule()).reason(d.reasonText()).build(), "28000");
                throw new JdbcDeniedException(d.message(), "28000");
            }
        }
    }

    private void audited(AuditEvent e, String sqlState) throws JdbcDeniedException {
        try {
            write(e);
        } catch (VeilDeniedException unaudited) {
            throw new JdbcDeniedException(unaudited.getMessage(), sqlState);
        }
    }

    private String denial(String credential, String destination, String reason) {
        return "veil: denied credential '" + credential + "' for " + destination
                + " (agent " + (agent == null || agent.isEmpty() ? "<unnamed>" : agent) + "): " + reason;
    }

    /**
     * Each value goes into the URL the way the driver reads it back: percent-encoded in user-info (MySQL decodes
     * it) and in the {@code ?query} (pgjdbc and MySQL decode it); as it is in MariaDB's query, which Connector/J
     * 3.x splits on '&' and never decodes (so no value holding '&' can go there), and elsewhere ({@code ;key=value}).
     */
    private String swapUrl(String url, Map<String, String> values) throws VeilDeniedException {
        if (url == null) return null;
        int slashes = url.indexOf("//");
        int from = slashes < 0 ? 0 : slashes + 2;
        int to = slashes < 0 ? 0 : JdbcUrls.authorityEnd(url, from);
        int q = url.indexOf('?', to);
        if (q < 0) q = url.length();
        String options = url.substring(q);
        if (url.regionMatches(true, 0, "jdbc:mariadb:", 0, 13)) {
            for (Map.Entry<String, String> e : values.entrySet()) {
                if (e.getValue().indexOf('&') >= 0 && options.contains(e.getKey())) {
                    throw new VeilDeniedException("veil: the value of " + e.getKey() + " holds '&', which a jdbc:mariadb URL"
                            + " cannot carry: give it as the password property, not in the URL");
                }
            }
            options = swap(options, values);
        } else {
            options = swapPercentEncoded(options, values);
        }
        return swap(url.substring(0, from), values) + swapPercentEncoded(url.substring(from, to), values)
                + swap(url.substring(to, q), values) + options;
    }

    private String swapPercentEncoded(String text, Map<String, String> values) {
        return scanner.substitute(text, p -> {
            String v = values.get(p);
            return v == null ? null : Encodings.percent(v);
        });
    }

    private String swap(String text, Map<String, String> values) {
        return text == null ? null : scanner.substitute(text, values::get);
    }

    /** The real value of the decided credential, registered for scrubbing before anyone can see it. */
    private String fetch(Decision d) throws VeilDeniedException {
        Credential c = d.credential();
        char[] value = null;
        try {
            value = cache.get(c.store(), c.ref(), c.ttl());
            scrubber.register(c.placeholder(), value);
            return new String(value);
        } catch (StoreException e) {
            String reason = scrubber.scrub(e.getMessage());
            write(AuditEvent.builder().event("store-error").agent(agent).credential(c.name())
                    .destination(d.destination()).method(d.method()).rule(c.store() + "/" + c.ref()).reason(reason).build());
            throw new VeilDeniedException("veil: credential '" + c.name() + "' is unavailable for " + (d.method() == null ? "" : d.method() + " ")
                    + d.destination() + " (agent " + agent + "): " + reason);
        } finally {
            if (value != null) Arrays.fill(value, '\0');
        }
    }

    /** A real value (not a placeholder) leaving the process: only where its own credential may go. */
    private void checkEgress(String method, URI uri, String text) throws VeilDeniedException {
        if (!rules.blockRealSecrets()) return;
        for (String placeholder : scrubber.placeholdersIn(text)) {
            Credential c = byPlaceholder.get(placeholder);
            if (c == null) continue;
            Decision d = policy.decideEgress(agent, method, uri, c.name());
            if (!d.allowed()) {
                record("deny", d);
                throw new VeilDeniedException(d.message() + " (a real value, not the placeholder, was in the request)");
            }
        }
    }

    private void record(String event, Decision d) throws VeilDeniedException {
        write(AuditEvent.builder().event(event).agent(agent).credential(d.credentialName())
                .destination(d.destination()).method(d.method()).rule(d.rule()).reason(d.reasonText()).build());
    }

    /** A use that cannot be audited does not happen. */
    private void write(AuditEvent e) throws VeilDeniedException {
        if (audit == null) return;
        try {
            audit.append(e);
        } catch (IOException ex) {
            throw new VeilDeniedException("veil: " + e.event() + " of credential '" + e.credential() + "' for " + e.destination()
                    + " not done: cannot write the audit log " + audit.file() + " (" + scrubber.scrub(ex.getMessage()) + ")");
        }
    }
}
