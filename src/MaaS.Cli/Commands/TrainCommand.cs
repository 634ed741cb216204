using System.CommandLine;
using System.Globalization;
using MaaS.Models.Text.Modeling;
using Spectre.Console;

namespace MaaS.Cli.Commands;

/// <summary>
/// <c>maas train sentiment|tags</c>: trains the text models in C# and writes them into the model repository
/// (model.onnx + card.json + model.json), with progress bars; <c>--cv k</c> prints a cross-validation table.
/// </summary>
internal static partial class TrainCommand
{
    public static Command Create() => new("train", "Train a text model and write it to the model repository.") { Sentiment(), Tags() };

    /// <summary>The version number <paramref name="outDir"/> ends in, or null after saying it must end in one.</summary>
    private static int? VersionOf(DirectoryInfo outDir, string example)
    {
        if (TextModelRepository.VersionOf(outDir.FullName) is int version)
        {
            return version;
        }

        AnsiConsole.MarkupLineInterpolated($"[red]--out must end in a positive integer version folder, e.g. {example}.[/]");
        return null;
    }

    /// <summary>Writes model.onnx and card.json into the version folder and model.json beside it, with the card's task and labels.</summary>
    private static void Write(DirectoryInfo outDir, LinearTextModel model, TextModelCard card, string description)
    {
        var config = new TextModelConfig { Task = card.Task, Description = description, Labels = card.Labels };
        TextModelRepository.Write(outDir.FullName, model, card, config);
    }

    private static string UtcStamp() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string CommandLine(ParseResult parse) =>
        "maas " + string.Join(' ', parse.Tokens.Select(t => t.Value));

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Pct(double value) => (value * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}
