package org.bptt.cli;

import picocli.CommandLine;

/** The tool's version from the jar manifest, and the Java it runs on. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    /** The version of bptt-harness, or "dev" when run from classes rather than the jar. */
    public static String toolVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "bptt-harness " + toolVersion(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
    }
}
