using System.Security.Cryptography;

namespace MaaS.Cli.Commands;

/// <summary>
/// Embeds texts with progress, optionally through a cache file (an offline run embeds thousands of texts, minutes on
/// a small machine): a SHA-256 of the model, its version and every text heads the file, so a cache of other texts or
/// another model is recomputed, never reused. Not safe for two processes writing the same file.
/// </summary>
internal static class EmbeddingCache
{
    public static float[][] Embed(LocalEncoder encoder, IReadOnlyList<string> texts, FileInfo? cache)
    {
        byte[] key = Key(encoder, texts);
        if (cache is { Exists: true } && TryRead(cache.FullName, key, texts.Count) is { } cached)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"read {texts.Count:N0} embeddings from {cache.FullName}");
            return cached;
        }

        float[][]? vectors = null;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask($"embed {texts.Count:N0} texts with {encoder.Name}", maxValue: texts.Count);
            vectors = encoder.Embed(texts, new Reporter(done => task.Value = done));
        });
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"embedded {texts.Count:N0} texts in {watch.Elapsed.TotalSeconds:F1} s");
        if (cache is not null)
        {
            Write(cache.FullName, key, vectors!);
        }

        return vectors!;
    }

    private static byte[] Key(LocalEncoder encoder, IReadOnlyList<string> texts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{encoder.Name}\n{encoder.Version}\n"));
        foreach (string text in texts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(text));
            hash.AppendData([0]);
        }

        return hash.GetHashAndReset();
    }

    private static float[][]? TryRead(string path, byte[] key, int count)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (!reader.ReadBytes(key.Length).AsSpan().SequenceEqual(key) || reader.ReadInt32() != count)
        {
            return null;
        }

        int dimensions = reader.ReadInt32();
        var vectors = new float[count][];
        for (int i = 0; i < count; i++)
        {
            vectors[i] = new float[dimensions];
            reader.Read(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vectors[i].AsSpan()));
        }

        return vectors;
    }

    private static void Write(string path, byte[] key, float[][] vectors)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(key);
        writer.Write(vectors.Length);
        writer.Write(vectors.Length == 0 ? 0 : vectors[0].Length);
        foreach (var vector in vectors)
        {
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()));
        }
    }

    private sealed class Reporter(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
