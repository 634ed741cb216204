using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace MaaS.Http.Requests;

/// <summary>
/// A request contract as the host's HTTP JSON options read it (their resolver chain and limits, such as MaxDepth),
/// derived once per host (a singleton: the options never change after start): its metadata, and the reader options
/// the serializer reads it with, for an endpoint that reads the body's bytes itself before binding them.
/// </summary>
/// <typeparam name="T">The request contract.</typeparam>
/// <param name="options">The host's HTTP JSON options.</param>
internal sealed class HttpJsonContract<T>(IOptions<JsonOptions> options)
{
    /// <summary>The contract's metadata in the host's options.</summary>
    public JsonTypeInfo<T> Type { get; } = (JsonTypeInfo<T>)options.Value.SerializerOptions.GetTypeInfo(typeof(T));

    /// <summary>The serializer's own reader limits, so a reader of the bytes accepts no body that binding would refuse.</summary>
    public JsonReaderOptions ReaderOptions { get; } = new()
    {
        MaxDepth = options.Value.SerializerOptions.MaxDepth == 0 ? 64 : options.Value.SerializerOptions.MaxDepth,
        CommentHandling = options.Value.SerializerOptions.ReadCommentHandling,
        AllowTrailingCommas = options.Value.SerializerOptions.AllowTrailingCommas,
    };
}
