package dev.veil.it.apps;

import java.net.http.HttpClient;

/** Creates a JDK HttpClient and sends nothing: an instrumented library appears, no request is made. */
public final class BuildsHttpClient {
    public static void main(String[] args) {
        System.out.println("client " + HttpClient.newHttpClient().version());
    }
}
