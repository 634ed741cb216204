using System.Reflection;

namespace MaaS.Cli.Tests.Support;

/// <summary>
/// The built <c>maas</c> as a separate process, for what an in-process run cannot show: its own environment and
/// working directory, and stdout redirected to a pipe as a user's <c>&gt; file</c> or <c>| less</c> does.
/// </summary>
internal static class MaasProcess
{
    /// <summary>maas.dll of this build configuration next to this repository's sources; skips the test when it is not built.</summary>
    public static string RequireDll()
    {
        string configuration = typeof(MaasProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "src", "MaaS.Cli", "bin", configuration, "net10.0", "maas.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Skip("src/MaaS.Cli is not built in this test's configuration");
        return null!;
    }

    public static async Task<CliResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var (code, output) = await ChildProcess.RunAsync("dotnet", [RequireDll(), .. arguments], TestContext.Current.CancellationToken, workingDirectory, environment);
        return new CliResult(arguments, code, output, "");
    }
}
