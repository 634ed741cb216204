namespace MaaS.Cli.Tests.Support;

/// <summary>What one in-process run of the <c>maas</c> command line left: exit code, output, errors.</summary>
internal sealed record CliResult(string[] Arguments, int ExitCode, string Output, string Error)
{
    /// <summary>For assertion messages: the command and everything it wrote.</summary>
    public override string ToString() => $"maas {string.Join(' ', Arguments)} -> exit {ExitCode}\n--- output\n{Output}\n--- error\n{Error}";
}

/// <summary>Runs <c>maas</c> commands in this process through <see cref="Program.InvokeAsync"/>, capturing what they write.</summary>
internal static class MaasCli
{
    public static async Task<CliResult> RunAsync(params string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        // Synchronized: a command may write plain text and rich output from different threads.
        using (var synchronizedOutput = TextWriter.Synchronized(output))
        using (var synchronizedError = TextWriter.Synchronized(error))
        {
            int code = await Program.InvokeAsync(arguments, synchronizedOutput, synchronizedError, TestContext.Current.CancellationToken);
            return new CliResult(arguments, code, output.ToString(), error.ToString());
        }
    }
}
