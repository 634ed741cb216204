using MaaS.Models.Embeddings;
using MaaS.Models.Text.Serving;
using MaaS.Services.Embeddings;
using MaaS.Services.Text;

namespace MaaS.Services.Batches;

/// <summary>An endpoint a batch may name, run over a group of its lines.</summary>
internal interface IBatchEndpoint
{
    /// <summary>The url lines name: <c>/v1/embeddings</c>, <c>/v1/sentiment</c>, <c>/v1/classify</c>.</summary>
    string Url { get; }

    /// <summary>Texts a line sends (0 when its body cannot be read): how lines are grouped into model calls.</summary>
    int Texts(BatchRequest request);

    /// <summary>
    /// Answers each of <paramref name="requests"/> as the online endpoint would, lines of one model in one call: a line
    /// whose body the endpoint refuses gets the endpoint's refusal. Throws on cancellation only.
    /// </summary>
    Task<BatchAnswer[]> RunAsync(IReadOnlyList<BatchRequest> requests, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>The body of an embeddings line: OpenAI's embeddings request, read by the same rules as the online endpoint.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record EmbeddingsLine(
    [property: JsonPropertyName("input")] JsonElement Input,
    [property: JsonPropertyName("model")] string? Model = null,
    [property: JsonPropertyName("encoding_format")] string? EncodingFormat = null,
    [property: JsonPropertyName("dimensions")] int? Dimensions = null,
    [property: JsonPropertyName("user")] string? User = null);

/// <summary>The body of a sentiment or classify line, as <c>/v1/sentiment</c> and <c>/v1/classify</c> read it.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record TextsLine(IReadOnlyList<string?>? Texts, string? Model = null, long? Version = null);

/// <summary>Source-generated JSON of the line bodies, with the web defaults the online endpoints read with.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(EmbeddingsLine))]
[JsonSerializable(typeof(TextsLine))]
internal sealed partial class BatchLineJsonContext : JsonSerializerContext;

/// <summary>
/// The shared walk of every endpoint: read each body, join the lines of one model into calls, and fall back to one
/// call per line when a joined call is refused, so each line gets exactly the answer it would get alone.
/// </summary>
internal abstract class BatchEndpoint<TLine>(BatchAnswerJson json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TLine> lineJson) : IBatchEndpoint
    where TLine : class
{
    // A joined call refused as overloaded waits this long before it is tried again: the batch yields to live traffic.
    private static readonly TimeSpan OverloadedWait = TimeSpan.FromMilliseconds(100);

    public abstract string Url { get; }

    protected BatchAnswerJson Json { get; } = json;

    public int Texts(BatchRequest request) => Read(request.Body).TryGetValue(out var line, out _) ? Count(line) : 0;

    public async Task<BatchAnswer[]> RunAsync(IReadOnlyList<BatchRequest> requests, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var answers = new BatchAnswer[requests.Count];
        var pending = new List<(int Index, TLine Line)>();
        for (int i = 0; i < requests.Count; i++)
        {
            var read = Read(requests[i].Body);
            if ((read.TryGetValue(out var line, out var error) ? Check(line) : error) is { } refused)
            {
                answers[i] = Refuse(refused);
            }
            else
            {
                pending.Add((i, line!));
            }
        }

        foreach (var call in pending.GroupBy(p => Key(p.Line)))
        {
            var lines = call.ToList();
            var joined = lines.Count > 1 ? await WithRetryAsync(lines.Select(l => l.Line).ToList(), timeout, cancellationToken).ConfigureAwait(false) : null;
            for (int j = 0; j < lines.Count; j++)
            {
                answers[lines[j].Index] = joined?[j] ?? (await WithRetryAsync([lines[j].Line], timeout, cancellationToken).ConfigureAwait(false))![0];
            }
        }

        return answers;
    }

    // One call of lines of the same key; null when the joined call failed (each line then runs alone).
    private async Task<BatchAnswer[]?> WithRetryAsync(List<TLine> lines, TimeSpan timeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            var answered = await CallAsync(lines, timeout, cancellationToken).ConfigureAwait(false);
            if (answered.TryGetValue(out var answers, out var error))
            {
                return answers;
            }

            // A call cut short by the batch's cancellation is no answer of the line's.
            cancellationToken.ThrowIfCancellationRequested();

            if (error.Code is not (ErrorCode.Overloaded or ErrorCode.RateLimited))
            {
                return lines.Count > 1 ? null : [Refuse(error)];
            }

            await Task.Delay(OverloadedWait, cancellationToken).ConfigureAwait(false);
        }
    }

    private Result<TLine> Read(JsonElement body)
    {
        try
        {
            return body.Deserialize(lineJson) is { } line ? line : Error.Invalid("body", "the body is null");
        }
        catch (JsonException e)
        {
            return Error.Invalid(e.Path is { Length: > 0 } path ? path : "body", $"the body is not valid JSON for {Url}: {e.Message}");
        }
    }

    /// <summary>An error line's answer: OpenAI's error object, as OpenAI's endpoints under <c>/openai/v1</c> refuse.</summary>
    protected virtual BatchAnswer Refuse(Error error) => BatchAnswerJson.Fail(error);

    /// <summary>The texts of a line.</summary>
    protected abstract int Count(TLine line);

    /// <summary>A refusal found in the line alone before any call (null when it may go into a call).</summary>
    protected virtual Error? Check(TLine line) => null;

    /// <summary>What lines must share to go into one call (model, version, options).</summary>
    protected abstract string Key(TLine line);

    /// <summary>One call of the lines' texts together: an answer per line, or the call's refusal.</summary>
    protected abstract ValueTask<Result<BatchAnswer[]>> CallAsync(List<TLine> lines, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary><c>/v1/embeddings</c>, OpenAI's: the lines' texts embedded in one call of <see cref="EmbeddingService"/>.</summary>
internal sealed class EmbeddingsBatchEndpoint(BatchAnswerJson json, EmbeddingService embeddings) : BatchEndpoint<EmbeddingsLine>(json, BatchLineJsonContext.Default.EmbeddingsLine)
{
    public override string Url => "/v1/embeddings";

    protected override int Count(EmbeddingsLine line) => OpenAiEmbeddings.Texts(line.Input).TryGetValue(out var texts, out _) ? texts.Count : 0;

    protected override Error? Check(EmbeddingsLine line) =>
        OpenAiEmbeddings.Base64(line.EncodingFormat).TryGetValue(out _, out var error) && OpenAiEmbeddings.Texts(line.Input).TryGetValue(out _, out error) ? null : error;

    protected override string Key(EmbeddingsLine line) => $"{line.Model ?? EmbeddingService.DefaultModel}\n{line.Dimensions}";

    protected override async ValueTask<Result<BatchAnswer[]>> CallAsync(List<EmbeddingsLine> lines, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var texts = new List<string?>();
        var spans = new (int From, int Count)[lines.Count];
        for (int i = 0; i < lines.Count; i++)
        {
            var own = OpenAiEmbeddings.Texts(lines[i].Input).Value;
            spans[i] = (texts.Count, own.Count);
            texts.AddRange(own);
        }

        var first = lines[0];
        var embedded = await embeddings.EmbedAsync(first.Model ?? EmbeddingService.DefaultModel, null, texts, first.Dimensions, timeout, cancellationToken).ConfigureAwait(false);
        if (!embedded.TryGetValue(out var batch, out var error))
        {
            return error;
        }

        var answers = new BatchAnswer[lines.Count];
        for (int i = 0; i < lines.Count; i++)
        {
            var (from, count) = spans[i];
            var own = batch with
            {
                Vectors = batch.Vectors[(from * batch.Dimensions)..((from + count) * batch.Dimensions)],
                Tokens = batch.Tokens[from..(from + count)],
                Truncated = batch.Truncated[from..(from + count)],
            };
            answers[i] = Json.Ok(OpenAiEmbeddings.Answer(own, OpenAiEmbeddings.Base64(lines[i].EncodingFormat).Value));
        }

        return answers;
    }
}

/// <summary><c>/v1/sentiment</c> and <c>/v1/classify</c>: the lines' texts scored in one call of <see cref="TextModelService"/>.</summary>
internal sealed class TextBatchEndpoint(BatchAnswerJson json, TextModelService text, string url) : BatchEndpoint<TextsLine>(json, BatchLineJsonContext.Default.TextsLine)
{
    public const string SentimentUrl = "/v1/sentiment";

    public const string ClassifyUrl = "/v1/classify";

    public override string Url => url;

    private string ModelOf(TextsLine line) => line.Model ?? (url == SentimentUrl ? TextAnswers.DefaultSentimentModel : string.Empty);

    protected override int Count(TextsLine line) => line.Texts?.Count ?? 0;

    // MaaS's own endpoints refuse with ProblemDetails: so do their lines.
    protected override BatchAnswer Refuse(Error error) => Json.Refused(error);

    protected override string Key(TextsLine line) => $"{ModelOf(line)}\n{line.Version}";

    protected override async ValueTask<Result<BatchAnswer[]>> CallAsync(List<TextsLine> lines, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // A line alone keeps its own texts (null or empty ones included), so its refusal is the online endpoint's.
        var texts = lines.Count == 1 ? lines[0].Texts : lines.SelectMany(l => l.Texts ?? []).ToList();
        if (lines.Count > 1 && (texts!.Count > TextModelService.MaxTexts || lines.Any(l => l.Texts is not { Count: > 0 })))
        {
            return Error.Invalid("texts", "the lines do not go into one call");
        }

        var scored = await text.ScoreAsync(ModelOf(lines[0]), lines[0].Version, texts, cancellationToken).ConfigureAwait(false);
        if (!scored.TryGetValue(out var scores, out var error))
        {
            return error;
        }

        var answers = new BatchAnswer[lines.Count];
        int from = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            int count = lines.Count == 1 ? scores.Items.Count : lines[i].Texts!.Count;
            var own = scores with { Items = scores.Items.Skip(from).Take(count).ToList() };
            from += count;
            answers[i] = url == SentimentUrl ? Json.Ok(TextAnswers.Sentiment(own)) : Json.Ok(TextAnswers.Classify(own));
        }

        return answers;
    }
}
