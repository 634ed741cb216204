using System.ComponentModel.DataAnnotations;

namespace MaaS.Models.Tracing;

/// <summary>
/// Tracing at start (<c>Serving:Trace</c>, Triton's <c>--trace-config</c>): the settings a running gateway begins with,
/// which <c>/v2/trace/setting</c> and the <c>TraceSetting</c> RPC then change, and what only configuration may say: the
/// trace file and the writer's bounds.
/// </summary>
public sealed class TracingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Serving:Trace";

    /// <summary>
    /// The trace file (Triton's <c>file</c>); a relative path is resolved against the working directory, and its folder
    /// must exist. Required for any level but OFF, here or later through the API. Null or empty: tracing stays off.
    /// </summary>
    public string? File { get; set; }

    /// <summary>The levels, comma-separated: <c>OFF</c>, <c>TIMESTAMPS</c>, <c>TENSORS</c> or <c>TIMESTAMPS,TENSORS</c>.</summary>
    [Required]
    public string Level { get; set; } = TraceLevelNames.Off;

    /// <summary>One request in this many is traced.</summary>
    [Range(1, int.MaxValue)]
    public int Rate { get; set; } = 1000;

    /// <summary>Traces to take; -1 without limit.</summary>
    [Range(-1, long.MaxValue)]
    public long Count { get; set; } = -1;

    /// <summary>Traces per numbered file (<c>File.0</c>, <c>File.1</c>, …); 0: one file, its array closed at shutdown.</summary>
    [Range(0, int.MaxValue)]
    public int LogFrequency { get; set; }

    /// <summary>Traces waiting for the writer; when it is full a trace is dropped (and counted), never waited for.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>Values of each tensor a <c>TENSORS</c> trace writes; the rest is cut (the shape still says how many).</summary>
    [Range(0, 1_000_000)]
    public int MaxTensorElements { get; set; } = 64;

    /// <summary>The configured levels; null when a name is not one.</summary>
    internal TraceLevels? Levels => TraceLevelNames.Parse(Level.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The configured file as a full path, or "" when none.</summary>
    internal string FullFile => string.IsNullOrWhiteSpace(File) ? string.Empty : Path.GetFullPath(File);

    /// <summary>The settings the server starts with.</summary>
    internal TraceSettings Settings => new(Levels ?? TraceLevels.Off, Rate, Count, LogFrequency, FullFile);
}

/// <summary>Validates <see cref="TracingOptions"/>: the annotations, then the level's names and the file a level needs.</summary>
public sealed class TracingOptionsValidator : IValidateOptions<TracingOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TracingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var annotations = new TracingOptionsAnnotations().Validate(name, options);
        if (annotations.Failed)
        {
            failures.AddRange(annotations.Failures);
        }

        if (options.Level is not null && options.Levels is null)
        {
            failures.Add($"{TracingOptions.SectionName}:Level '{options.Level}' must list OFF, TIMESTAMPS or TENSORS, comma-separated (OFF alone)");
        }
        else if (options.Levels is not TraceLevels.Off and not null && options.FullFile.Length == 0)
        {
            failures.Add($"{TracingOptions.SectionName}:Level '{options.Level}' needs {TracingOptions.SectionName}:File, the file the traces go to");
        }

        if (options.FullFile.Length > 0 && !Directory.Exists(Path.GetDirectoryName(options.FullFile)))
        {
            failures.Add($"{TracingOptions.SectionName}:File's folder does not exist: {Path.GetDirectoryName(options.FullFile)}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The data annotations of <see cref="TracingOptions"/> (source-generated).</summary>
[OptionsValidator]
internal sealed partial class TracingOptionsAnnotations : IValidateOptions<TracingOptions>;
