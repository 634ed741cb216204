using MaaS.Cli.Commands;

namespace MaaS.Cli;

/// <summary>
/// The <c>maas</c> command line. The command tree is built by <see cref="CreateRoot"/>, so tests run commands in
/// process through <see cref="InvokeAsync"/> rather than spawning the executable.
/// </summary>
public static class Program
{
    /// <summary>Width of rich output (progress lines) when it is captured; tables are written as plain columns then.</summary>
    private const int CapturedWidth = 200;

    // Commands write tables and progress through Spectre's process-wide AnsiConsole: captured runs take turns.
    private static readonly SemaphoreSlim CapturedRun = new(1, 1);

    public static int Main(string[] args) => CreateRoot().Parse(args).Invoke();

    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("maas: operator tool for the MaaS gateway (evaluate, import, train, publish, keys, simulate).");
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(PublishCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        return root;
    }

    /// <summary>
    /// Runs <c>maas <paramref name="args"/></c> in this process and returns its exit code. Plain and rich output
    /// (tables, progress) go to <paramref name="output"/> without colours or control codes, errors to
    /// <paramref name="error"/>; the caller owns both writers. Concurrent calls run one after the other.
    /// </summary>
    public static async Task<int> InvokeAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        await CapturedRun.WaitAsync(cancellationToken).ConfigureAwait(false);
        var terminal = AnsiConsole.Console;
        try
        {
            var captured = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                // CI detection would otherwise change the profile depending on where the tests run.
                Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
                Out = new AnsiConsoleOutput(output),
            });
            captured.Profile.Width = CapturedWidth;
            AnsiConsole.Console = captured;
            // No termination handler: Ctrl+C belongs to the host process, which cancels through the token instead.
            var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
            return await CreateRoot().Parse([.. args]).InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            AnsiConsole.Console = terminal;
            CapturedRun.Release();
        }
    }
}
