namespace MaaS.Services.Text;

/// <summary><c>POST /v1/sentiment</c> answer.</summary>
/// <param name="Model">Model that answered.</param>
/// <param name="Version">Version that answered.</param>
/// <param name="Labels">Labels in the order of each result's <c>scores</c>.</param>
/// <param name="Results">One per text, in request order.</param>
public sealed record SentimentResponse(string Model, long Version, IReadOnlyList<string> Labels, IReadOnlyList<SentimentResult> Results);

/// <summary>Sentiment of one text.</summary>
/// <param name="Label">Most probable label.</param>
/// <param name="Probability">Its probability.</param>
/// <param name="Scores">Probability per label (order of <c>labels</c>).</param>
/// <param name="Tokens">Tokens the model saw (0: nothing readable, the answer is the model's prior).</param>
/// <param name="Truncated">True when the text was longer than the model's token limit and was cut.</param>
public sealed record SentimentResult(string Label, float Probability, float[] Scores, int Tokens, bool Truncated);

/// <summary>One content: its text (description, review...) and optional title.</summary>
/// <param name="Text">The text; required.</param>
/// <param name="Title">Title, prepended for tagging as the tagger was trained (<c>title. text</c>).</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AnalyzeItem(string? Text, string? Title = null);

/// <summary><c>POST /v1/analyze</c> answer.</summary>
/// <param name="TagsModel">Tagging model version that answered.</param>
/// <param name="SentimentModel">Sentiment model version that answered.</param>
/// <param name="Results">One per item, in request order.</param>
public sealed record AnalyzeResponse(ModelReference TagsModel, ModelReference SentimentModel, IReadOnlyList<AnalyzeResult> Results);

/// <summary>A model version.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version.</param>
public sealed record ModelReference(string Name, long Version);

/// <summary>Analysis of one item.</summary>
/// <param name="Tags">Decided tags, most probable first.</param>
/// <param name="Sentiment">Sentiment of the text.</param>
/// <param name="Keywords">Words and phrases of the text that drove the tags most.</param>
/// <param name="Explanation">The n-grams that drove each tag and the sentiment most.</param>
public sealed record AnalyzeResult(IReadOnlyList<TagScore> Tags, SentimentResult Sentiment, IReadOnlyList<string> Keywords, AnalyzeExplanation Explanation);

/// <summary>A tag and its probability.</summary>
/// <param name="Tag">Tag.</param>
/// <param name="Probability">Probability (independent per tag).</param>
public sealed record TagScore(string Tag, float Probability);

/// <summary>Per-n-gram contributions (weight × feature value, in logit units) for the decided labels.</summary>
/// <param name="Tags">For each decided tag, its top n-grams.</param>
/// <param name="Sentiment">Top n-grams for the predicted sentiment label.</param>
public sealed record AnalyzeExplanation(IReadOnlyList<TagExplanation> Tags, IReadOnlyList<TermScore> Sentiment);

/// <summary>The n-grams behind one tag.</summary>
/// <param name="Tag">Tag.</param>
/// <param name="Terms">Largest |contribution| first.</param>
public sealed record TagExplanation(string Tag, IReadOnlyList<TermScore> Terms);

/// <summary>One n-gram's contribution.</summary>
/// <param name="Term">Word n-gram (negated words as <c>NEG_word</c>) or character n-gram (<c>c:…</c>).</param>
/// <param name="Contribution">Logit contribution; positive pushes the label up.</param>
public sealed record TermScore(string Term, float Contribution);

/// <summary><c>POST /v1/classify</c> answer.</summary>
/// <param name="Model">Model that answered.</param>
/// <param name="Version">Version that answered.</param>
/// <param name="Labels">Every label the model knows, in the order of each result's <c>scores</c> (not a decision: each
/// result's own <c>labels</c> holds what was decided for its text).</param>
/// <param name="Results">One per text, in request order.</param>
public sealed record ClassifyResponse(string Model, long Version, IReadOnlyList<string> Labels, IReadOnlyList<ClassifyResult> Results);

/// <summary>The classification of one text.</summary>
/// <param name="Label">Most probable label.</param>
/// <param name="Probability">Its probability.</param>
/// <param name="Labels">Decided labels, a subset of the answer's <c>labels</c>: the label itself for single-label models; for multi-label, every label at or above the model's threshold (at least one), most probable first.</param>
/// <param name="Scores">Probability per label (order of <c>labels</c>).</param>
public sealed record ClassifyResult(string Label, float Probability, IReadOnlyList<string> Labels, float[] Scores);
