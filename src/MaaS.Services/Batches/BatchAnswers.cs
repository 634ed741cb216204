namespace MaaS.Services.Batches;

/// <summary>The endpoint's answer to one line: an HTTP status and the body the online endpoint would have written.</summary>
internal readonly record struct BatchAnswer(int Status, JsonElement Body)
{
    public bool IsSuccess => Status == 200;
}

/// <summary>
/// The host's JSON options for answers: a line's body is written exactly as the online endpoint writes the same answer,
/// so the host hands over the options its endpoints serialise with, and the ProblemDetails its <c>/v1</c> endpoints
/// refuse with. Singleton.
/// </summary>
/// <param name="Options">The host's HTTP JSON options (they must resolve the answer types and the problems).</param>
/// <param name="Problem">The host's ProblemDetails of an error (null: a MaaS endpoint's refusals are OpenAI's error objects too).</param>
internal sealed record BatchAnswerJson(JsonSerializerOptions Options, Func<Error, object>? Problem = null)
{
    public BatchAnswer Ok<T>(T answer) => new(200, JsonSerializer.SerializeToElement(answer, Options.GetTypeInfo(typeof(T))));

    /// <summary>
    /// An error line of a MaaS endpoint (<c>/v1/sentiment</c>, <c>/v1/classify</c>): the ProblemDetails the online
    /// endpoint answers the same error with, and its status.
    /// </summary>
    public BatchAnswer Refused(Error error)
    {
        if (Problem is null)
        {
            return Fail(error);
        }

        object problem = Problem(error);
        return new(StatusOf(error.Code), JsonSerializer.SerializeToElement(problem, Options.GetTypeInfo(problem.GetType())));
    }

    /// <summary>
    /// An error line's body: OpenAI's error object, as the endpoint under <c>/openai/v1</c> answers the same error, with
    /// the same status as MaaS.Http's map of error codes (BatchAnswersTests checks both agree).
    /// </summary>
    public static BatchAnswer Fail(Error error)
    {
        int status = StatusOf(error.Code);
        string type = status switch
        {
            429 => "rate_limit_error",
            503 => "service_unavailable_error",
            >= 500 => "server_error",
            _ => "invalid_request_error",
        };
        var body = new BatchErrorBody(new BatchErrorDetail(error.Message, type, error.Problems.Count > 0 ? error.Problems[0].Field : null,
            JsonNamingPolicy.SnakeCaseLower.ConvertName(error.Code.ToString())));
        return new(status, JsonSerializer.SerializeToElement(body, BatchJsonContext.Default.BatchErrorBody));
    }

    /// <summary>The HTTP status of an error a line can end with.</summary>
    public static int StatusOf(ErrorCode code) => code switch
    {
        ErrorCode.InvalidRequest or ErrorCode.Unsupported or ErrorCode.AlreadyExists => 400,
        ErrorCode.Unauthorized => 401,
        ErrorCode.Forbidden => 403,
        ErrorCode.ModelNotFound or ErrorCode.VersionNotFound or ErrorCode.NotFound => 404,
        ErrorCode.Conflict => 409,
        ErrorCode.MethodNotAllowed => 405,
        ErrorCode.PayloadTooLarge => 413,
        ErrorCode.UnsupportedMediaType => 415,
        ErrorCode.Overloaded or ErrorCode.RateLimited => 429,
        ErrorCode.ClientClosedRequest => 499,
        ErrorCode.ModelNotReady or ErrorCode.DependencyUnavailable => 503,
        ErrorCode.Timeout => 504,
        _ => 500,
    };
}

/// <summary>OpenAI's error body in a batch's error file.</summary>
internal sealed record BatchErrorBody([property: JsonPropertyName("error")] BatchErrorDetail Error);

/// <summary>OpenAI's error object.</summary>
internal sealed record BatchErrorDetail(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);
