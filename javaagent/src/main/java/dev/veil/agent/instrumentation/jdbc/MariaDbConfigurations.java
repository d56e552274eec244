package dev.veil.agent.instrumentation.jdbc;

import java.lang.reflect.Method;

/**
 * MariaDB Connector/J 3.x's {@code org.mariadb.jdbc.Configuration}, read and copied by reflection (the engine cannot
 * link against the driver): the URL as the application gave it, the user and the password, which is where its
 * DataSources, its pool and its URL parser put the login.
 */
public final class MariaDbConfigurations {
    private static final ClassValue<Method[]> METHODS = new ClassValue<>() {
        @Override
        protected Method[] computeValue(Class<?> type) {
            try {
                Method initialUrl = type.getDeclaredMethod("initialUrl"); // protected
                initialUrl.setAccessible(true);
                return new Method[] {initialUrl, type.getMethod("user"), type.getMethod("password"),
                        type.getMethod("clone", String.class, String.class)};
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("not a MariaDB Connector/J 3.x Configuration: " + type.getName(), e);
            }
        }
    };

    private MariaDbConfigurations() {}

    /** {@code {url, user, password}} of a Configuration. */
    public static String[] login(Object configuration) throws ReflectiveOperationException {
        Method[] m = METHODS.get(configuration.getClass());
        return new String[] {(String) m[0].invoke(configuration), (String) m[1].invoke(configuration), (String) m[2].invoke(configuration)};
    }

    /** A copy of {@code configuration} with another user and password; every other setting as it was. */
    public static Object withLogin(Object configuration, String user, String password) throws ReflectiveOperationException {
        return METHODS.get(configuration.getClass())[3].invoke(configuration, user, password);
    }
}
