package dev.veil.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;

/** Says it is ready, then waits for a line on stdin (the test attaches meanwhile) and exits. */
public final class Waiting {
    public static void main(String[] args) throws Exception {
        System.out.println("ready");
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        System.out.println("done");
    }
}
