namespace MaaS.Cli.Tests.Support;

/// <summary>What <c>maas keys create</c> prints for the tests to use: the key (<c>key: …</c>, shown once) and its id (<c>id: …</c>).</summary>
internal static partial class KeysOutput
{
    /// <summary>The printed key, or empty when the output has none.</summary>
    public static string Key(string output) => KeyLine().Match(output).Groups[1].Value;

    /// <summary>The printed key id, or empty when the output has none.</summary>
    public static string Id(string output) => IdLine().Match(output).Groups[1].Value;

    [GeneratedRegex(@"^key:\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex KeyLine();

    [GeneratedRegex(@"^id:\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex IdLine();
}
