using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using MaaS.Models.OpenInference;
using Microsoft.Extensions.Caching.Memory;

namespace MaaS.Models.Inference;

/// <summary>
/// Triton's response cache: the outputs of a run kept under the request that produced them, for the models whose
/// model.json enables <c>responseCache</c>, so that the same request again is answered without a run. One cache for the
/// process, bounded by <see cref="ServingOptions.ResponseCacheBytes"/> (the framework's <see cref="MemoryCache"/>,
/// which evicts the least recently used when full). A request's key is its whole content, compared byte for byte, never
/// a hash alone: two requests share an answer only when the same load of the same version got the same inputs (names,
/// datatypes, shapes, values) and was asked for the same outputs. The answers are shared arrays, which every reader
/// only reads (<see cref="InferTensor"/>'s rule). Thread-safe.
/// </summary>
public sealed class ResponseCache : IDisposable
{
    // What an entry costs beyond its bytes: the entry, the key and the tensors' objects (an estimate).
    private const int EntryOverhead = 256;
    private readonly MemoryCache? _cache;

    /// <summary>Creates the cache with the configured size; none when it is 0.</summary>
    public ResponseCache(IOptions<ServingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        long bytes = options.Value.ResponseCacheBytes;
        _cache = bytes > 0 ? new MemoryCache(new MemoryCacheOptions { SizeLimit = bytes }) : null;
    }

    /// <summary>Whether the cache holds anything at all (a size above 0).</summary>
    public bool Enabled => _cache is not null;

    internal bool TryGet(ResponseCacheKey key, [NotNullWhen(true)] out IReadOnlyList<InferTensor>? outputs)
    {
        outputs = null;
        return _cache is not null && _cache.TryGetValue(key, out outputs) && outputs is not null;
    }

    internal void Add(ResponseCacheKey key, IReadOnlyList<InferTensor> outputs)
    {
        if (_cache is null)
        {
            return;
        }

        long size = key.Size + EntryOverhead;
        foreach (var output in outputs)
        {
            size += V2BinaryTensors.EncodedSize(output.Data) + output.Name.Length * 2L;
        }

        // An answer larger than the whole cache is not kept (MemoryCache refuses it and evicts nothing for it).
        _cache.Set(key, outputs, new MemoryCacheEntryOptions { Size = size });
    }

    /// <inheritdoc />
    public void Dispose() => _cache?.Dispose();
}

/// <summary>A request's whole content as the response cache compares it: the load, the requested outputs, every input.</summary>
internal sealed class ResponseCacheKey : IEquatable<ResponseCacheKey>
{
    private readonly byte[] _bytes;
    private readonly int _hash;

    private ResponseCacheKey(byte[] bytes)
    {
        _bytes = bytes;
        var hash = new HashCode();
        hash.AddBytes(bytes);
        _hash = hash.ToHashCode();
    }

    /// <summary>Bytes the key holds.</summary>
    public long Size => _bytes.Length;

    /// <summary>The key of a validated request to one load of a version (inputs in the model's order, outputs as named).</summary>
    public static ResponseCacheKey Of(long loadId, IReadOnlyList<InferTensor> inputs, IReadOnlyList<string> outputs)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, loadId);
        Write(buffer, outputs.Count);
        foreach (string output in outputs)
        {
            Write(buffer, output);
        }

        Write(buffer, inputs.Count);
        foreach (var input in inputs)
        {
            Write(buffer, input.Name);
            Write(buffer, (int)input.DataType);
            Write(buffer, input.Shape.Length);
            foreach (long dimension in input.Shape)
            {
                Write(buffer, dimension);
            }

            // The protocols' own binary encoding: little-endian values, each BYTES element length-prefixed.
            V2BinaryTensors.Write(buffer, input.Data);
        }

        return new ResponseCacheKey(buffer.WrittenSpan.ToArray());
    }

    public bool Equals(ResponseCacheKey? other) => other is not null && _hash == other._hash && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => Equals(obj as ResponseCacheKey);

    public override int GetHashCode() => _hash;

    private static void Write(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    private static void Write(ArrayBufferWriter<byte> buffer, string text)
    {
        // Length-prefixed, so that no two sequences of strings write the same bytes.
        Write(buffer, text.Length);
        buffer.Write(MemoryMarshal.AsBytes(text.AsSpan()));
    }
}
