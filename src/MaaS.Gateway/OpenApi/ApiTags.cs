namespace MaaS.Gateway.OpenApi;

/// <summary>
/// The OpenAPI tags, in the order the document and Swagger UI list them: the calls an app makes first, then the model
/// family, the Open Inference Protocol, and operations. Endpoints tag themselves with these names; a tag not listed
/// here still works but comes last without a description (the document tests and the linter point it out).
/// </summary>
internal static class ApiTags
{
    public const string Recommendations = "Recommendations";
    public const string Events = "Events";
    public const string Items = "Items";
    public const string Users = "Users";
    public const string Text = "Text";
    public const string Training = "Training";
    public const string Agents = "Agents";
    public const string Models = "Models";
    public const string OpenAi = "OpenAI-compatible";
    public const string OpenInference = "Open Inference Protocol (V2)";
    public const string Keys = "Keys";
    public const string Operations = "Operations";

    /// <summary>Every tag with its description, in document order.</summary>
    public static IReadOnlyList<(string Name, string Description)> All { get; } =
    [
        (Recommendations, "Recommendations for a user, a session or a list of recent items (cf, content or hybrid), and the similarity index behind them (admin)."),
        (Events, "Interactions an app reports (view, play, like, rate, skip...): what recommendations learn from, read at request time."),
        (Items, "The item catalogue (movies, songs, games), its search (words, meaning or both) and more-like-this."),
        (Users, "A user's behaviour analysis, and erasure of everything stored about them."),
        (Text, "Sentiment, content analysis (tags, keywords, explanations) and sentence embeddings (OpenAI's embeddings API) of short texts."),
        (Training, "Custom text classifiers trained on the tenant's labelled data (admin keys): upload, follow the job (status or live events), cancel; the model is published as the tenant's private model and served by /v1/classify and /v2."),
        (Agents, "Decision agents for game characters, difficulty, offers: rules that allow, forbid or force actions, contextual bandit policies (epsilon-greedy, LinUCB) that learn from reported rewards, and offline evaluation (IPS, SNIPS, doubly robust) of other settings."),
        (Models, "The model family: discover the models this tenant may see (any key), publish ONNX models, share and delete them (admin keys of the owning tenant)."),
        (OpenAi, "OpenAI's API where the gateway has its counterpart: the base URL for OpenAI's client libraries (/openai/v1, an app key as the API key). Models in OpenAI's list, every model the tenant may see; embeddings as POST /v1/embeddings. Errors are ProblemDetails, as on /v1."),
        (OpenInference, "The Open Inference Protocol (KServe V2, as Triton speaks it): server and model metadata, health, inference with JSON or binary tensors, statistics, and the model repository (admin). Errors are {\"error\": \"...\"}."),
        (Keys, "API keys of the tenant (admin keys only): create, list, revoke."),
        (Operations, "Liveness for apps and Prometheus metrics."),
    ];

    /// <summary>The position of a tag in <see cref="All"/>; unknown tags sort last.</summary>
    public static int Order(string? tag)
    {
        for (int i = 0; i < All.Count; i++)
        {
            if (All[i].Name == tag)
            {
                return i;
            }
        }

        return All.Count;
    }
}
