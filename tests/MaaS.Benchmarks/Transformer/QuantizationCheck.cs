using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using MaaS.Models.Onnx.Quantization;

namespace MaaS.Benchmarks.Transformer;

/// <summary>
/// The int8 variant of all-minilm-l6-v2 against its FP32 original (issue #17 step 9): size, agreement (cosine of each
/// text's embedding to FP32's on 1,000 MR sentences and Netflix descriptions) and speed, FP32 and int8 interleaved in
/// one run (texts/s at batch 32 and batch 1, each round's ratio). Each variant is written as a model repository entry
/// (<c>&lt;out&gt;/all-minilm-l6-v2-int8-&lt;variant&gt;</c>) for <c>maas evaluate --protocol similar-items --models &lt;out&gt;</c>.
/// Usage: <c>transformer-int8 [--out DIR] [--texts 1000] [--rounds 3] [--variants all,no-down]</c>; variants: <c>all</c>
/// (every MatMul), <c>no-down</c> (FFN down-projections, K &gt; N, stay FP32), <c>no-ffn</c> (only K = N projections).
/// </summary>
internal static class QuantizationCheck
{
    public static async Task<int> RunAsync(string[] args)
    {
        string output = TransformerData.TextOption(args, "--out") ?? Directory.CreateTempSubdirectory("maas-int8-").FullName;
        int count = TransformerData.Option(args, "--texts", 1000);
        int rounds = TransformerData.Option(args, "--rounds", 3);
        string[] variants = (TransformerData.TextOption(args, "--variants") ?? "all").Split(',');
        string source = TransformerData.ModelDirectory;
        byte[] fp32 = await File.ReadAllBytesAsync(Path.Combine(source, "1", "model.onnx"));
        string[] texts = TransformerData.Texts(count);
        Console.WriteLine($"int8 dynamic quantisation of {TransformerData.Model}: {texts.Length} texts (MR + Netflix), {rounds} interleaved rounds, {Environment.ProcessorCount} cores");

        using var original = await TransformerData.LoadAsync(source, 1);
        float[] reference = TransformerData.Embed(original, texts, 32);
        var models = new List<(string Name, SentenceEmbeddingModel Model)> { ("fp32", original) };
        Console.WriteLine();
        Console.WriteLine("| variant | nodes int8 | model bytes | × fp32 size | quantise s | min cosine | p1 cosine | mean cosine | texts < 0.99 |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        Console.WriteLine($"| fp32 | 0 | {fp32.Length:N0} | 1.00 | | 1 | 1 | 1 | 0 |");
        foreach (string variant in variants)
        {
            Func<QuantizationCandidate, bool> include = variant switch
            {
                "all" => _ => true,
                "no-down" => c => c.K <= c.N,
                "no-ffn" => c => c.K == c.N,
                _ => throw new ArgumentException($"unknown variant {variant}: all, no-down or no-ffn"),
            };
            long start = Stopwatch.GetTimestamp();
            var quantized = OnnxQuantizer.Quantize(fp32, include);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (!quantized.IsSuccess)
            {
                Console.WriteLine($"{variant}: {quantized.Error!.Message}");
                return 1;
            }

            string directory = WriteVariant(source, Path.Combine(output, $"{TransformerData.Model}-int8-{variant}"), quantized.Value, variant);
            var model = await TransformerData.LoadAsync(directory, 1);
            models.Add((variant, model));
            float[] embedded = TransformerData.Embed(model, texts, 32);
            float[] cosines = [.. Enumerable.Range(0, texts.Length).Select(i => TensorPrimitives.CosineSimilarity(reference.AsSpan(i * 384, 384), embedded.AsSpan(i * 384, 384)))];
            Array.Sort(cosines);
            Console.WriteLine($"| {variant} | {quantized.Value.Nodes} | {quantized.Value.Model.Length:N0} | {quantized.Value.Model.Length / (double)fp32.Length:0.00} | {seconds:0.0} | " +
                $"{cosines[0]:0.0000} | {cosines[cosines.Length / 100]:0.0000} | {cosines.Average():0.0000} | {cosines.Count(c => c < 0.99f)} |");
        }

        Console.WriteLine();
        Console.WriteLine($"Speed, texts/s (each round runs every model on the same {texts.Length} texts at batch 32, then the first 200 at batch 1):");
        foreach (var (name, model) in models)
        {
            TransformerData.Embed(model, texts[..64], 32);
        }

        var batch32 = models.ToDictionary(m => m.Name, _ => new List<double>());
        var batch1 = models.ToDictionary(m => m.Name, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            foreach (var (name, model) in models)
            {
                batch32[name].Add(TextsPerSecond(model, texts, 32));
                batch1[name].Add(TextsPerSecond(model, texts[..200], 1));
            }

            Console.WriteLine($"round {round + 1}: " + string.Join("; ", models.Skip(1).Select(m =>
                $"{m.Name} / fp32 batch 32 {batch32[m.Name][^1] / batch32["fp32"][^1]:0.00}x ({batch32[m.Name][^1]:0} vs {batch32["fp32"][^1]:0}), batch 1 {batch1[m.Name][^1] / batch1["fp32"][^1]:0.00}x ({batch1[m.Name][^1]:0} vs {batch1["fp32"][^1]:0})")));
        }

        foreach (var (name, _) in models.Skip(1))
        {
            double[] r32 = [.. batch32[name].Zip(batch32["fp32"], (a, b) => a / b)];
            double[] r1 = [.. batch1[name].Zip(batch1["fp32"], (a, b) => a / b)];
            Console.WriteLine($"{name} / fp32: batch 32 mean {r32.Average():0.00}x (range {r32.Min():0.00}–{r32.Max():0.00}), batch 1 mean {r1.Average():0.00}x (range {r1.Min():0.00}–{r1.Max():0.00})");
        }

        foreach (var (_, model) in models.Skip(1))
        {
            model.Dispose();
        }

        Console.WriteLine($"Variants written under {output}");
        return 0;
    }

    private static double TextsPerSecond(SentenceEmbeddingModel model, string[] texts, int batch)
    {
        long start = Stopwatch.GetTimestamp();
        TransformerData.Embed(model, texts, batch);
        return texts.Length / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>A repository entry: the source's model.json and vocabulary, the int8 encoder, the card with a quantization block.</summary>
    internal static string WriteVariant(string source, string target, QuantizedModel quantized, string variant)
    {
        string version = Path.Combine(target, "1");
        Directory.CreateDirectory(version);
        File.Copy(Path.Combine(source, "model.json"), Path.Combine(target, "model.json"), overwrite: true);
        File.Copy(Path.Combine(source, "1", "vocab.txt"), Path.Combine(version, "vocab.txt"), overwrite: true);
        File.WriteAllBytes(Path.Combine(version, "model.onnx"), quantized.Model);
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "1", "card.json")))!.AsObject();
        card["name"] = Path.GetFileName(target);
        card["quantization"] = new JsonObject
        {
            ["method"] = OnnxQuantizer.Method,
            ["variant"] = variant,
            ["nodes"] = quantized.Nodes,
        };
        File.WriteAllText(Path.Combine(version, "card.json"), card.ToJsonString());
        return target;
    }
}
