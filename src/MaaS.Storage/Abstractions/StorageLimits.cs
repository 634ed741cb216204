namespace MaaS.Storage.Abstractions;

/// <summary>Input limits every store enforces (the same for SQLite and PostgreSQL).</summary>
public static class StorageLimits
{
    /// <summary>The tenant used until multi-tenancy arrives.</summary>
    public const string DefaultTenant = "default";

    /// <summary>Maximum length, in UTF-16 code units, of event, user and item ids.</summary>
    public const int MaxIdLength = 128;

    /// <summary>Maximum length of a tenant key (letters, digits, '-', '_', '.').</summary>
    public const int MaxTenantLength = 64;

    /// <summary>Maximum length of an event type.</summary>
    public const int MaxTypeLength = 32;

    /// <summary>Maximum length of an item title.</summary>
    public const int MaxTitleLength = 512;

    /// <summary>Maximum length of an item's free text.</summary>
    public const int MaxTextLength = 16_384;

    /// <summary>Maximum number of genres plus tags on one item, and maximum length of each.</summary>
    public const int MaxLabels = 64, MaxLabelLength = 64;

    /// <summary>Maximum events or items in one write call; larger imports split into several calls.</summary>
    public const int MaxBatchSize = 10_000;

    /// <summary>Maximum rows one read (history, list) returns.</summary>
    public const int MaxReadLimit = 10_000;
}
