package io.ipfskit.server.bench;
// THROWAWAY STUB (never committed)
public final class WalBench { public static void run(java.nio.file.Path scratchDir, java.io.PrintStream out, boolean quick) { out.println("stub bench in " + scratchDir + " quick=" + quick); } }
