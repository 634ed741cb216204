using MaaS.Models.Tracing;

namespace MaaS.Http.Requests;

/// <summary>
/// Reads <c>POST /v2[/models/{name}]/trace/setting</c>'s body, an object of Triton's trace settings, into the values
/// <see cref="InferenceTracing.Update"/> checks; JSON is read whatever the Content-Type, as Triton's clients send it.
/// </summary>
/// <param name="Changes">The members, in order, each with its JSON type.</param>
internal readonly record struct TraceSettingsHttpBody(IReadOnlyList<KeyValuePair<string, TraceSettingValue>> Changes) : IRequestBody<TraceSettingsHttpBody>
{
    public static AcceptsMetadata Accepts => JsonBody.Accepts<V2TraceSettings>("application/json", "*/*");

    public static ValueTask<Result<TraceSettingsHttpBody>> ReadAsync(HttpRequest request) =>
        JsonBody.ReadDocumentAsync(request, root => TraceSettingsJson.Read(root).TryGetValue(out var changes, out var error) ? new TraceSettingsHttpBody(changes) : Result<TraceSettingsHttpBody>.Fail(error));
}
