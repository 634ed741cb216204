using MaaS.Logging;

namespace MaaS.Http.Requests;

/// <summary>
/// Reads <c>POST /v2/logging</c>'s body, an object of Triton's log settings, into the values
/// <see cref="RuntimeLogSettings.Update"/> checks; JSON is read whatever the Content-Type, as Triton's clients send it.
/// </summary>
/// <param name="Changes">The members, in order, each with its JSON type.</param>
internal readonly record struct LogSettingsHttpBody(IReadOnlyList<KeyValuePair<string, LogSettingValue>> Changes) : IRequestBody<LogSettingsHttpBody>
{
    public static AcceptsMetadata Accepts => JsonBody.Accepts<LogSettings>("application/json", "*/*");

    public static ValueTask<Result<LogSettingsHttpBody>> ReadAsync(HttpRequest request) =>
        JsonBody.ReadDocumentAsync(request, root => LogSettingsJson.Read(root).TryGetValue(out var changes, out var error) ? new LogSettingsHttpBody(changes) : Result<LogSettingsHttpBody>.Fail(error));
}
