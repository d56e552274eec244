package dev.veil.policy;

import dev.veil.policy.Decision.Reason;
import dev.veil.rules.Credential;
import dev.veil.rules.Grant;
import dev.veil.rules.HttpGrant;
import dev.veil.rules.JdbcGrant;
import dev.veil.rules.Rules;
import dev.veil.rules.UrlPattern;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a credential may be used for a destination. Checks run cheapest and most
 * explanatory first: agent, grants (host, port, path, method, part / JDBC url, user), revocation,
 * approval, and last the rate, so a token is only spent on a use everything else allowed.
 * Among several grants the one that matched furthest explains a denial. Thread-safe.
 */
public final class PolicyEngine {
    // How far a request got through one HTTP grant; the highest level over all grants explains a denial.
    private static final int HOST = 1, ORIGIN = 2, URL = 3, METHOD = 4, FULL = 5;

    private static final class Entry {
        final Credential credential;
        final List<HttpGrant> http = new ArrayList<>();
        final List<JdbcGrant> jdbc = new ArrayList<>();
        final ConcurrentHashMap<String, TokenBucket> buckets;

        Entry(Credential credential) {
            this.credential = credential;
            for (Grant g : credential.allow()) {
                if (g instanceof HttpGrant) http.add((HttpGrant) g);
                else if (g instanceof JdbcGrant) jdbc.add((JdbcGrant) g);
            }
            this.buckets = credential.rate() == null ? null : new ConcurrentHashMap<>();
        }

        String subject() { return "credential '" + credential.name() + "'"; }
        String level(String what) { return "credential " + credential.name() + ": " + what; }
    }

    private final Rules rules;
    private final Clock clock;
    private final Approvals approvals;
    private final Revocations revocations;
    private final Map<String, Entry> byName = new LinkedHashMap<>();
    private final Map<String, Entry> byPlaceholder = new HashMap<>();
    /** Per JDBC grant with a statement rate, a bucket per agent. */
    private final Map<JdbcGrant, ConcurrentHashMap<String, TokenBucket>> statementBuckets = new IdentityHashMap<>();

    public PolicyEngine(Rules rules, Clock clock, Approvals approvals) {
        this(rules, clock, approvals, new Revocations());
    }

    public PolicyEngine(Rules rules, Clock clock, Approvals approvals, Revocations revocations) {
        this.rules = rules;
        this.clock = clock;
        this.approvals = approvals;
        this.revocations = revocations;
        for (Credential c : rules.credentials().values()) {
            Entry e = new Entry(c);
            byName.put(c.name(), e);
            byPlaceholder.put(c.placeholder(), e);
            for (JdbcGrant g : e.jdbc) {
                if (g.statementRate() != null) statementBuckets.put(g, new ConcurrentHashMap<>());
            }
        }
    }

    public Rules rules() { return rules; }
    public Revocations revocations() { return revocations; }

    /** A placeholder found in {@code part} of an HTTP request about to leave. */
    public Decision decideHttp(String agent, String method, URI uri, HttpGrant.Part part, String placeholder) {
        String a = agentName(agent);
        String m = method.toUpperCase(Locale.ROOT);
        String destination = Destinations.http(uri);
        Entry e = placeholder == null ? null : byPlaceholder.get(placeholder);
        if (e == null) return unknownPlaceholder(placeholder, a, m, destination);
        Decision d = checkHttp(e, e.subject(), a, m, uri, part, destination);
        return d.allowed() ? checkUse(e, d) : d;
    }

    /** A placeholder found in the credentials of a JDBC connection about to be opened. */
    public Decision decideJdbc(String agent, String jdbcUrl, String user, String placeholder) {
        String a = agentName(agent);
        String destination = Destinations.jdbc(jdbcUrl);
        Entry e = placeholder == null ? null : byPlaceholder.get(placeholder);
        if (e == null) return unknownPlaceholder(placeholder, a, null, destination);
        Decision d = checkJdbc(e, a, jdbcUrl, user, destination);
        return d.allowed() ? checkUse(e, d) : d;
    }

    /**
     * A statement about to run on a connection opened under {@code granted} (an allowed JDBC decision): denied
     * over the statement rate of its grant, if it has one. Each call that returns allowed spends a token.
     */
    public Decision decideStatement(Decision granted) {
        ConcurrentHashMap<String, TokenBucket> buckets = granted.allowed() ? statementBuckets.get(granted.grant()) : null;
        if (buckets == null) return granted;
        JdbcGrant g = (JdbcGrant) granted.grant();
        TokenBucket b = buckets.get(granted.agent()); // get first: computeIfAbsent's capturing lambda would allocate
        if (b == null) b = buckets.computeIfAbsent(granted.agent(), k -> new TokenBucket(g.statementRate()));
        if (b.tryAcquire(clock.millis() * 1_000_000L)) return granted;
        return deny(granted, Reason.RATE_EXCEEDED, "over the statement rate (" + g.statementRate() + ")", g.location());
    }

    /**
     * A real value of {@code credentialName} found in an outgoing request (block-real-secrets): allowed
     * only where the credential's grants would have allowed its placeholder, in any part of the request,
     * and not after revocation. Spends no rate token and asks for no approval.
     */
    public Decision decideEgress(String agent, String method, URI uri, String credentialName) {
        String a = agentName(agent);
        String m = method.toUpperCase(Locale.ROOT);
        String destination = Destinations.http(uri);
        Entry e = credentialName == null ? null : byName.get(credentialName);
        if (e == null) {
            return new Decision(Reason.UNKNOWN_CREDENTIAL, "unknown credential",
                    "real value of unknown credential '" + credentialName + "'", null, null, null, a, m, destination);
        }
        Decision d = checkHttp(e, "real value of " + e.subject(), a, m, uri, null, destination);
        return d.allowed() ? checkRevoked(e, d) : d;
    }

    /**
     * For {@code rules explain}: each credential's decision for an HTTP request, in rules-file order,
     * placeholder in any part. Revocations count; approvals and rates are shown, not consulted.
     */
    public Explanation explain(String agent, String method, URI uri) {
        String a = agentName(agent);
        String m = method.toUpperCase(Locale.ROOT);
        String destination = Destinations.http(uri);
        List<Decision> decisions = new ArrayList<>();
        for (Entry e : byName.values()) {
            Decision d = checkHttp(e, e.subject(), a, m, uri, null, destination);
            decisions.add(d.allowed() ? checkRevoked(e, d) : d);
        }
        return new Explanation(a, m, destination, decisions);
    }

    private Decision checkHttp(Entry e, String subject, String agent, String method, URI uri,
                               HttpGrant.Part part, String destination) {
        Credential c = e.credential;
        Decision refused = refuseCredential(e, subject, agent, method, destination, e.http.isEmpty(), "http");
        if (refused != null) return refused;
        int best = 0;
        HttpGrant closest = null;
        for (HttpGrant g : e.http) {
            int level = level(g, uri, method, part);
            if (level > best) {
                best = level;
                closest = g;
                if (level == FULL) break;
            }
        }
        Reason reason;
        String text;
        switch (best) {
            case FULL:
                return new Decision(Reason.ALLOWED, "allowed", subject, c, closest, closest.location(),
                        agent, method, destination);
            case METHOD:
                reason = Reason.PART_NOT_ALLOWED;
                text = "placeholder in " + part.keyword() + " not allowed (rule allows " + parts(closest) + ")";
                break;
            case URL:
                reason = Reason.METHOD_NOT_ALLOWED;
                text = "method " + method + " not allowed (rule allows " + String.join(", ", new TreeSet<>(closest.methods())) + ")";
                break;
            case ORIGIN:
                reason = Reason.URL_NOT_ALLOWED;
                text = "url not allowed by any rule";
                break;
            case HOST:
                reason = Reason.PORT_NOT_ALLOWED;
                String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
                text = !closest.url().scheme().equals(scheme) ? "scheme " + scheme + " not allowed by any rule"
                        : uri.getPort() < 0 ? "default port not allowed by any rule"
                        : "port " + uri.getPort() + " not allowed by any rule";
                break;
            default:
                return new Decision(Reason.HOST_NOT_ALLOWED, "host not allowed by any rule", subject, c,
                        null, e.level("allow"), agent, method, destination);
        }
        return new Decision(reason, text, subject, c, closest, closest.location(), agent, method, destination);
    }

    /** Credential-level refusals that come before any grant: the agent, or no grant of the needed kind. */
    private static Decision refuseCredential(Entry e, String subject, String agent, String method, String destination,
                                             boolean noGrants, String kind) {
        if (!e.credential.allowsAgent(agent)) {
            return new Decision(Reason.AGENT_NOT_ALLOWED, "agent not allowed for this credential", subject, e.credential,
                    null, e.level("agents"), agent, method, destination);
        }
        if (noGrants) {
            return new Decision(Reason.NO_RULE, "no " + kind + " rule for this credential", subject, e.credential,
                    null, e.level("allow"), agent, method, destination);
        }
        return null;
    }

    private static int level(HttpGrant g, URI uri, String method, HttpGrant.Part part) {
        UrlPattern p = g.url();
        if (!p.matchesHost(uri.getHost())) return 0;
        if (!p.matchesOrigin(uri)) return HOST;
        if (!p.matches(uri)) return ORIGIN;
        if (!g.allowsMethod(method)) return URL;
        if (part != null && !allowsPart(g, part)) return METHOD;
        return FULL;
    }

    // No "in:" means header only, as the rules format documents.
    private static boolean allowsPart(HttpGrant g, HttpGrant.Part part) {
        return g.in().isEmpty() ? part == HttpGrant.Part.HEADER : g.in().contains(part);
    }

    static String parts(HttpGrant g) {
        if (g.in().isEmpty()) return HttpGrant.Part.HEADER.keyword();
        StringBuilder b = new StringBuilder();
        for (HttpGrant.Part p : HttpGrant.Part.values()) {
            if (g.in().contains(p)) b.append(b.length() == 0 ? "" : ", ").append(p.keyword());
        }
        return b.toString();
    }

    private Decision checkJdbc(Entry e, String agent, String jdbcUrl, String user, String destination) {
        Credential c = e.credential;
        String subject = e.subject();
        Decision refused = refuseCredential(e, subject, agent, null, destination, e.jdbc.isEmpty(), "jdbc");
        if (refused != null) return refused;
        JdbcGrant urlMatch = null;
        for (JdbcGrant g : e.jdbc) {
            if (!g.jdbc().matches(jdbcUrl)) continue;
            // First full match in file order wins, like firewall rules, so read-only is predictable.
            if (g.user() == null || g.user().equals(user)) {
                return new Decision(Reason.ALLOWED, "allowed", subject, c, g, g.location(), agent, null, destination);
            }
            if (urlMatch == null) urlMatch = g;
        }
        if (urlMatch == null) {
            return new Decision(Reason.JDBC_URL_NOT_ALLOWED, "jdbc url not allowed by any rule", subject, c,
                    null, e.level("allow"), agent, null, destination);
        }
        String text = (user == null ? "no database user given" : "database user '" + user + "' not allowed")
                + " (rule allows '" + urlMatch.user() + "')";
        return new Decision(Reason.USER_NOT_ALLOWED, text, subject, c, urlMatch, urlMatch.location(), agent, null, destination);
    }

    /** The checks that follow a grant match for an actual use: revocation, approval, then the rate. */
    private Decision checkUse(Entry e, Decision granted) {
        Decision d = checkRevoked(e, granted);
        if (!d.allowed()) return d;
        Credential c = e.credential;
        String agent = granted.agent();
        if (c.approval() != null && c.approval() != Credential.Approval.NONE && !approvals.approved(agent, c)) {
            approvals.request(agent, c, granted.destination());
            return deny(granted, Reason.AWAITING_APPROVAL, "awaiting approval", e.level("approval"));
        }
        if (e.buckets != null && !bucket(e, agent).tryAcquire(clock.millis() * 1_000_000L)) {
            return deny(granted, Reason.RATE_EXCEEDED, "over the rate (" + c.rate() + ")", e.level("rate"));
        }
        return granted;
    }

    private Decision checkRevoked(Entry e, Decision granted) {
        if (!revocations.isRevoked(granted.agent(), e.credential.name())) return granted;
        return deny(granted, Reason.REVOKED, "revoked for this agent", "revocation");
    }

    private static Decision deny(Decision granted, Reason reason, String text, String rule) {
        return new Decision(reason, text, granted.subject(), granted.credential(), granted.grant(), rule,
                granted.agent(), granted.method(), granted.destination());
    }

    private static TokenBucket bucket(Entry e, String agent) {
        TokenBucket b = e.buckets.get(agent); // get first: computeIfAbsent's capturing lambda would allocate
        return b != null ? b : e.buckets.computeIfAbsent(agent, k -> new TokenBucket(e.credential.rate()));
    }

    private static Decision unknownPlaceholder(String placeholder, String agent, String method, String destination) {
        return new Decision(Reason.UNKNOWN_PLACEHOLDER, "unknown placeholder", "unknown placeholder '" + placeholder + "'",
                null, null, null, agent, method, destination);
    }

    private static String agentName(String agent) { return agent == null ? "" : agent; }
}
