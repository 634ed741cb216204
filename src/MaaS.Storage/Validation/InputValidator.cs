namespace MaaS.Storage.Validation;

/// <summary>
/// The input rules both stores share, checked before any database work so SQLite and PostgreSQL reject exactly the
/// same inputs. Every failure is reported, not just the first.
/// </summary>
internal static class InputValidator
{
    public static Error? Tenant(string? tenant)
    {
        var reason = TenantReason(tenant);
        return reason is null ? null : Error.Invalid("tenant", reason);
    }

    public static Error? Id(string? id, string field)
    {
        var reason = IdReason(id);
        return reason is null ? null : Error.Invalid(field, reason);
    }

    public static Error? Limit(int limit, string field = "limit") =>
        limit is < 1 or > StorageLimits.MaxReadLimit
            ? Error.Invalid(field, $"must be between 1 and {StorageLimits.MaxReadLimit}")
            : null;

    public static Error? OptionalId(string? id, string field) => id is null ? null : Id(id, field);

    public static Error? Events(IReadOnlyList<InteractionEvent>? events)
    {
        if (events is null)
        {
            return Error.Invalid("events", "must not be null");
        }
        if (events.Count > StorageLimits.MaxBatchSize)
        {
            return Error.Invalid("events", $"batch larger than {StorageLimits.MaxBatchSize}");
        }
        List<FieldProblem>? failures = null;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e is null)
            {
                Add(ref failures, i, "event", "must not be null");
                continue;
            }
            if (IdReason(e.EventId) is { } a)
            {
                Add(ref failures, i, nameof(e.EventId), a);
            }
            if (IdReason(e.UserId) is { } b)
            {
                Add(ref failures, i, nameof(e.UserId), b);
            }
            if (IdReason(e.ItemId) is { } c)
            {
                Add(ref failures, i, nameof(e.ItemId), c);
            }
            if (TextReason(e.Type, StorageLimits.MaxTypeLength, allowSpaces: false) is { } d)
            {
                Add(ref failures, i, nameof(e.Type), d);
            }
            if (e.RecommendationId is not null && IdReason(e.RecommendationId) is { } r)
            {
                Add(ref failures, i, nameof(e.RecommendationId), r);
            }
            if (!float.IsFinite(e.Value))
            {
                Add(ref failures, i, nameof(e.Value), "must be a finite number");
            }
            if (e.Timestamp == default)
            {
                Add(ref failures, i, nameof(e.Timestamp), "is missing");
            }
            else if (e.Timestamp.UtcDateTime.Year is < 1970 or > 9998)
            {
                Add(ref failures, i, nameof(e.Timestamp), "must be between 1970 and 9998");
            }
        }
        return failures is null ? null : Error.Invalid(failures);
    }

    public static Error? Items(IReadOnlyList<CatalogItem>? items)
    {
        if (items is null)
        {
            return Error.Invalid("items", "must not be null");
        }
        if (items.Count > StorageLimits.MaxBatchSize)
        {
            return Error.Invalid("items", $"batch larger than {StorageLimits.MaxBatchSize}");
        }
        List<FieldProblem>? failures = null;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null)
            {
                Add(ref failures, i, "item", "must not be null");
                continue;
            }
            if (IdReason(item.ItemId) is { } a)
            {
                Add(ref failures, i, nameof(item.ItemId), a);
            }
            if (!Enum.IsDefined(item.Kind))
            {
                Add(ref failures, i, nameof(item.Kind), "is not movie, song or game");
            }
            if (TextReason(item.Title, StorageLimits.MaxTitleLength, allowSpaces: true) is { } b)
            {
                Add(ref failures, i, nameof(item.Title), b);
            }
            LabelsReason(item.Genres, nameof(item.Genres), i, ref failures);
            LabelsReason(item.Tags, nameof(item.Tags), i, ref failures);
            if (item.Genres is not null && item.Tags is not null && item.Genres.Count + item.Tags.Count > StorageLimits.MaxLabels)
            {
                Add(ref failures, i, nameof(item.Tags), $"more than {StorageLimits.MaxLabels} genres and tags together");
            }
            if (item.Text is { Length: > StorageLimits.MaxTextLength })
            {
                Add(ref failures, i, nameof(item.Text), $"longer than {StorageLimits.MaxTextLength}");
            }
            if (item.AvailableFrom is { } from && item.AvailableUntil is { } until && until < from)
            {
                Add(ref failures, i, nameof(item.AvailableUntil), "is before AvailableFrom");
            }
        }
        return failures is null ? null : Error.Invalid(failures);
    }

    public static Error? ItemIds(IReadOnlyCollection<string>? ids)
    {
        if (ids is null)
        {
            return Error.Invalid("itemIds", "must not be null");
        }
        if (ids.Count > StorageLimits.MaxReadLimit)
        {
            return Error.Invalid("itemIds", $"more than {StorageLimits.MaxReadLimit} ids");
        }
        List<FieldProblem>? failures = null;
        var i = 0;
        foreach (var id in ids)
        {
            if (IdReason(id) is { } r)
            {
                Add(ref failures, i, "itemIds", r);
            }
            i++;
        }
        return failures is null ? null : Error.Invalid(failures);
    }

    private static void LabelsReason(IReadOnlyList<string>? labels, string field, int index, ref List<FieldProblem>? failures)
    {
        if (labels is null)
        {
            Add(ref failures, index, field, "must not be null (use an empty list)");
            return;
        }
        foreach (var label in labels)
        {
            if (TextReason(label, StorageLimits.MaxLabelLength, allowSpaces: true) is { } r)
            {
                Add(ref failures, index, field, "each " + r);
                return;
            }
        }
    }

    private static string? TenantReason(string? tenant)
    {
        if (string.IsNullOrEmpty(tenant))
        {
            return "must not be empty";
        }
        if (tenant.Length > StorageLimits.MaxTenantLength)
        {
            return $"longer than {StorageLimits.MaxTenantLength}";
        }
        foreach (var c in tenant)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return "may hold only ASCII letters, digits, '-', '_' and '.'";
            }
        }
        return null;
    }

    private static string? IdReason(string? id) => TextReason(id, StorageLimits.MaxIdLength, allowSpaces: true);

    private static string? TextReason(string? value, int maxLength, bool allowSpaces)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "must not be empty";
        }
        if (value.Length > maxLength)
        {
            return $"longer than {maxLength}";
        }
        foreach (var c in value)
        {
            // Control characters (NUL above all) break logs and some drivers; PostgreSQL text rejects NUL outright.
            if (char.IsControl(c))
            {
                return "contains a control character";
            }
            if (!allowSpaces && char.IsWhiteSpace(c))
            {
                return "contains whitespace";
            }
        }
        return null;
    }

    private static void Add(ref List<FieldProblem>? failures, int index, string field, string reason) =>
        (failures ??= []).Add(new FieldProblem(index, field, reason));
}
