using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using System.Threading.Channels;

namespace MaaS.Models.Tracing;

/// <summary>
/// The owner of a process's trace settings (Triton's trace extension) and of the sampling they decide: the global
/// settings (the configured ones, <see cref="TracingOptions"/>, with the changes made since), each model's overrides over
/// them, which request is traced, and the queue of finished traces that <see cref="TraceFileWriter"/> writes.
/// </summary>
/// <remarks>
/// Per process, as each Triton server has its own. Thread-safe: updates are serialised and swap one immutable state;
/// <see cref="TryStart"/> reads it once, and with every level OFF that read is all a request pays. Each update starts
/// the rate's count again (Triton makes new settings objects too); <c>trace_count</c> is a counter of its own, shared by
/// every model that does not set one.
/// </remarks>
public sealed class InferenceTracing
{
    /// <summary>Meter name of the tracing counters.</summary>
    public const string MeterName = "MaaS.Tracing";

    private readonly Lock _updates = new();
    private readonly TraceSettings _configured;
    private readonly Channel<InferenceTrace> _finished;
    private readonly Counter<long> _dropped;
    private readonly long _anchorUnixNs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
    private readonly long _anchorTimestamp = Stopwatch.GetTimestamp();
    private Overrides _global;
    private FrozenDictionary<string, Overrides> _models = FrozenDictionary<string, Overrides>.Empty;
    private State _state;
    private long _lastId;

    /// <summary>Tracing as configured.</summary>
    /// <param name="options">The configured settings and bounds.</param>
    /// <param name="meters">The host's meter factory (a private meter when none).</param>
    public InferenceTracing(IOptions<TracingOptions> options, IMeterFactory? meters = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.Value;
        _configured = configured.Settings;
        MaxTensorElements = configured.MaxTensorElements;
        _finished = Channel.CreateBounded<InferenceTrace>(new BoundedChannelOptions(configured.QueueCapacity) { SingleReader = true });
        var meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _dropped = meter.CreateCounter<long>("maas.trace.dropped", "{trace}",
            "Traces not written, by reason: queue_full (the writer was behind; the request was not held), write_failed.");
        _global = new Overrides(null, null, new Remaining(_configured.Count), null);
        _state = Build(_global, _models);
    }

    /// <summary>Values of each tensor a <c>TENSORS</c> trace writes.</summary>
    internal int MaxTensorElements { get; }

    /// <summary>The finished traces, for the writer.</summary>
    internal ChannelReader<InferenceTrace> Finished => _finished.Reader;

    /// <summary>The global settings in force.</summary>
    public TraceSettings Global => Volatile.Read(ref _state).Global.Settings;

    /// <summary>The settings in force for <paramref name="model"/>: its overrides over the global settings.</summary>
    public TraceSettings For(string model) => Volatile.Read(ref _state).Scope(model).Settings;

    /// <summary>
    /// A trace for a request on <paramref name="model"/> when the model's settings sample it, else null: level not OFF,
    /// the rate's turn, and a trace left to take.
    /// </summary>
    public InferenceTrace? TryStart(string model)
    {
        var state = Volatile.Read(ref _state);
        if (!state.AnyOn)
        {
            return null;
        }

        var scope = state.Scope(model);
        var settings = scope.Base;
        if (settings.Level == TraceLevels.Off || Interlocked.Increment(ref scope.Seen) % settings.Rate != 0 || !scope.Count.TryTake())
        {
            return null;
        }

        return NewTrace(model, 0, settings.Level, settings.LogFrequency);
    }

    /// <summary>Hands a finished trace to the writer; a full queue drops it (counted) rather than hold the request.</summary>
    public void Submit(InferenceTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (!_finished.Writer.TryWrite(trace))
        {
            Dropped("queue_full");
        }
    }

    /// <summary>
    /// Changes the settings named in <paramref name="changes"/>, of <paramref name="model"/> or (null) the global ones,
    /// and returns those then in force there; none is changed when any is refused (an unknown name, a value of the wrong
    /// type or range, the file or the mode, a level without a configured file). No changes reads the settings.
    /// </summary>
    public Result<TraceSettings> Update(string? model, IEnumerable<KeyValuePair<string, TraceSettingValue>> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (_updates)
        {
            var current = model is null ? _global : _models.GetValueOrDefault(model, Overrides.None);
            var next = current;
            var problems = new List<FieldProblem>();
            foreach (var (name, value) in changes)
            {
                next = name switch
                {
                    TraceSettings.LevelName => next with { Level = Level(value, next.Level, problems) },
                    TraceSettings.RateName => next with { Rate = Number(name, value, 1, next.Rate, problems, "an integer >= 1 in a string (\"1000\": one request in 1000)") },
                    TraceSettings.CountName => next with
                    {
                        Count = Integer(name, value, -1, next.Count?.Value, problems, "an integer >= -1 in a string (\"-1\": no limit)") is { } count
                            ? new Remaining(count)
                            : model is null ? new Remaining(_configured.Count) : null,
                    },
                    TraceSettings.LogFrequencyName => next with { LogFrequency = Number(name, value, 0, next.LogFrequency, problems, "an integer >= 0 in a string (\"0\": one file)") },
                    TraceSettings.FileName => Refuse(next, problems, name,
                        "trace file location can not be updated through network protocol: it is configuration (Serving:Trace:File)"),
                    TraceSettings.ModeName => Refuse(next, problems, name,
                        $"trace mode can not be updated through network protocol: the mode is \"{TraceSettings.Mode}\" (Triton's trace file)"),
                    _ => Refuse(next, problems, name, $"unknown setting; the settings are {string.Join(", ", TraceSettings.Names)}"),
                };
            }

            var global = model is null ? next : _global;
            var models = model is null ? _models : With(_models, model, next);
            var state = Build(global, models);
            var scope = model is null ? state.Global : state.Scope(model);
            if (problems.Count == 0 && scope.Settings.Level != TraceLevels.Off && _configured.File.Length == 0)
            {
                problems.Add(new FieldProblem(-1, TraceSettings.LevelName, "no trace file is configured (Serving:Trace:File): tracing cannot be turned on"));
            }

            if (problems.Count > 0)
            {
                return new Error(ErrorCode.InvalidRequest, string.Join("; ", problems.Select(p => $"{p.Field}: {p.Reason}")), problems);
            }

            _global = global;
            _models = models;
            Volatile.Write(ref _state, state);
            return scope.Settings;
        }
    }

    /// <summary>A <see cref="Stopwatch"/> timestamp as nanoseconds since the Unix epoch, comparable with the wall clock.</summary>
    internal long UnixNanoseconds(long timestamp) =>
        _anchorUnixNs + (long)((Int128)(timestamp - _anchorTimestamp) * 1_000_000_000 / Stopwatch.Frequency);

    internal InferenceTrace NewTrace(string model, long parentId, TraceLevels level, int logFrequency) =>
        new(this, Interlocked.Increment(ref _lastId), model, parentId, level, logFrequency);

    internal void Dropped(string reason) => _dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    private State Build(Overrides global, FrozenDictionary<string, Overrides> models)
    {
        var globalScope = new Scope(Resolve(global, _configured, global.Count!), global.Count!);
        var scopes = models.ToFrozenDictionary(
            pair => pair.Key,
            pair => new Scope(Resolve(pair.Value, globalScope.Settings, pair.Value.Count ?? global.Count!), pair.Value.Count ?? global.Count!),
            StringComparer.Ordinal);
        bool anyOn = globalScope.Settings.Level != TraceLevels.Off || scopes.Values.Any(s => s.Settings.Level != TraceLevels.Off);
        return new State(globalScope, scopes, anyOn);

        static TraceSettings Resolve(Overrides overrides, TraceSettings under, Remaining count) => new(
            overrides.Level ?? under.Level, overrides.Rate ?? under.Rate, count.Value, overrides.LogFrequency ?? under.LogFrequency, under.File);
    }

    private static FrozenDictionary<string, Overrides> With(FrozenDictionary<string, Overrides> models, string model, Overrides overrides)
    {
        var next = new Dictionary<string, Overrides>(models, StringComparer.Ordinal);
        if (overrides == Overrides.None)
        {
            next.Remove(model);
        }
        else
        {
            next[model] = overrides;
        }

        return next.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static TraceLevels? Level(TraceSettingValue value, TraceLevels? current, List<FieldProblem> problems) => value.Kind switch
    {
        TraceSettingKind.Clear => null,
        TraceSettingKind.Strings when TraceLevelNames.Parse(value.Values) is { } level => level,
        _ => Refuse(current, problems, TraceSettings.LevelName, "must be a list of OFF, TIMESTAMPS and TENSORS ([\"TIMESTAMPS\"]; OFF alone)"),
    };

    private static int? Number(string name, TraceSettingValue value, int minimum, int? current, List<FieldProblem> problems, string rule) =>
        (int?)Integer(name, value, minimum, current, problems, rule, int.MaxValue);

    private static long? Integer(string name, TraceSettingValue value, long minimum, long? current, List<FieldProblem> problems, string rule, long maximum = long.MaxValue) => value.Kind switch
    {
        TraceSettingKind.Clear => null,
        TraceSettingKind.Strings when value.Values.Count == 1
            && long.TryParse(value.Values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number)
            && number >= minimum && number <= maximum => number,
        _ => Refuse(current, problems, name, "must be " + rule),
    };

    private static T Refuse<T>(T current, List<FieldProblem> problems, string field, string reason)
    {
        problems.Add(new FieldProblem(-1, field, reason));
        return current;
    }

    /// <summary>What one scope sets itself (null: the one under it); the global scope always holds its count.</summary>
    private sealed record Overrides(TraceLevels? Level, int? Rate, Remaining? Count, int? LogFrequency)
    {
        public static Overrides None { get; } = new(null, null, null, null);
    }

    /// <summary>Traces left to take, shared by the scopes that count together; -1 without limit.</summary>
    private sealed class Remaining(long value)
    {
        private long _value = value;

        public long Value => Volatile.Read(ref _value);

        public bool TryTake()
        {
            while (true)
            {
                long left = Volatile.Read(ref _value);
                if (left < 0)
                {
                    return true;
                }

                if (left == 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _value, left - 1, left) == left)
                {
                    return true;
                }
            }
        }
    }

    private sealed class Scope(TraceSettings settings, Remaining count)
    {
        public long Seen;

        /// <summary>The settings as built; their count is the one of that moment.</summary>
        public TraceSettings Base { get; } = settings;

        public Remaining Count { get; } = count;

        /// <summary>The settings with the count as it is now.</summary>
        public TraceSettings Settings => Base.Count == Count.Value ? Base : Base with { Count = Count.Value };
    }

    private sealed class State(Scope global, FrozenDictionary<string, Scope> models, bool anyOn)
    {
        public Scope Global { get; } = global;

        public bool AnyOn { get; } = anyOn;

        public Scope Scope(string model) => models.Count != 0 && models.TryGetValue(model, out var scope) ? scope : Global;
    }
}
