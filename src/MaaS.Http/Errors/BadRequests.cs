namespace MaaS.Http.Errors;

/// <summary>
/// The error value and client-facing text of a <see cref="BadHttpRequestException"/> (Kestrel's body limits and
/// timeouts, minimal API binding failures), shared by every place that answers one.
/// </summary>
internal static class BadRequests
{
    public static ErrorCode Error(BadHttpRequestException exception) => exception.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => ErrorCode.PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ErrorCode.UnsupportedMediaType,
        _ => ErrorCode.InvalidRequest,
    };

    /// <summary>
    /// What is wrong: the JSON reader's message (offending token, JSON path, position) for malformed JSON, the
    /// framework's message ("Failed to bind parameter ...", "Required parameter ... was not provided") otherwise.
    /// </summary>
    public static string Describe(BadHttpRequestException exception) => exception switch
    {
        { StatusCode: StatusCodes.Status413PayloadTooLarge } => "the request body is larger than the server accepts",
        { InnerException: JsonException json } => NotJson(json),
        _ => exception.Message,
    };

    /// <summary>What is wrong with a body that is not JSON of the endpoint's contract: the reader's message (token, path, position).</summary>
    public static string NotJson(JsonException exception) => $"the request body is not valid JSON for this endpoint: {exception.Message}";
}
