using System.Text.Json.Nodes;
using MaaS.Models.Onnx.Quantization;

namespace MaaS.Benchmarks.Transformer;

/// <summary>
/// A model repository for <c>load/search.sh</c> with the int8 variant of all-minilm-l6-v2 beside the repository's own
/// models (linked, not copied): <c>&lt;repository&gt;/all-minilm-l6-v2-int8</c>, quantised by the market's
/// <see cref="OnnxQuantizer"/> (every MatMul), its model.json the original's with <c>intraOpThreads</c> when given. A
/// gateway over it serves both encoders, and <c>Search:EmbeddingModel</c> picks the one search embeds items and
/// queries with. Usage: <c>search-encoder --repository DIR [--intra-op 1]</c>.
/// </summary>
internal static class SearchEncoderRepository
{
    public const string Int8Model = TransformerData.Model + "-int8";

    public static async Task<int> RunAsync(string[] args)
    {
        string repository = TransformerData.TextOption(args, "--repository") ?? throw new ArgumentException("--repository DIR is required");
        int intraOp = TransformerData.Option(args, "--intra-op", 0);
        string models = Path.GetDirectoryName(TransformerData.ModelDirectory)!;
        Directory.CreateDirectory(repository);
        foreach (string folder in Directory.EnumerateDirectories(models))
        {
            Directory.CreateSymbolicLink(Path.Combine(repository, Path.GetFileName(folder)), folder);
        }

        var quantized = OnnxQuantizer.Quantize(await File.ReadAllBytesAsync(Path.Combine(TransformerData.ModelDirectory, "1", "model.onnx")));
        if (!quantized.IsSuccess)
        {
            await Console.Error.WriteLineAsync(quantized.Error!.Message);
            return 1;
        }

        string target = QuantizationCheck.WriteVariant(TransformerData.ModelDirectory, Path.Combine(repository, Int8Model), quantized.Value, "all");
        if (intraOp > 0)
        {
            string file = Path.Combine(target, "model.json");
            var config = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
            config["intraOpThreads"] = intraOp;
            await File.WriteAllTextAsync(file, config.ToJsonString());
        }

        Console.WriteLine($"{Int8Model} ({quantized.Value.Nodes} int8 nodes, {quantized.Value.Model.Length:N0} bytes{(intraOp > 0 ? $", intraOpThreads {intraOp}" : "")}) beside the models of {models} in {repository}");
        return 0;
    }
}
