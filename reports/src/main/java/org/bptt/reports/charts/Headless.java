package org.bptt.reports.charts;

/** Makes AWT run without a display, as it must in CI and on servers. */
final class Headless {

    private Headless() {
    }

    /** Sets {@code java.awt.headless=true} unless the property has been set; must run before AWT starts. */
    static void ensure() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }
}
