using System.Reflection;
using Microsoft.Diagnostics.NETCore.Client;

namespace MaaS.TestSupport.Diagnostics;

/// <summary>
/// A heap dump of this test process, written where <c>MAAS_TEST_DUMPS</c> points (.ci/run sets it to its results
/// folder and prints the stacks of every dump it finds there). For a teardown that overran its bound: the test fails
/// with the dump's path instead of hanging the run, and the dump shows what the teardown was waiting for.
/// </summary>
public static class SelfDump
{
    /// <summary>Writes the dump and returns its path; null when <c>MAAS_TEST_DUMPS</c> is unset or the dump failed.</summary>
    public static string? Write(string reason)
    {
        if (Environment.GetEnvironmentVariable("MAAS_TEST_DUMPS") is not { Length: > 0 } directory)
        {
            return null;
        }

        string name = Assembly.GetEntryAssembly()?.GetName().Name ?? "test";
        string path = Path.Combine(directory, $"{name}_{Environment.ProcessId}_{reason}.dmp");
        try
        {
            Directory.CreateDirectory(directory);
            // The runtime's diagnostics server runs createdump against this very process.
            new DiagnosticsClient(Environment.ProcessId).WriteDump(DumpType.WithHeap, path);
            return path;
        }
        catch (Exception e) when (e is ServerErrorException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            return null;
        }
    }
}
