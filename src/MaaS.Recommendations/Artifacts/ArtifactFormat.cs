namespace MaaS.Recommendations.Artifacts;

/// <summary>
/// Layout of the item-CF index artifact (little-endian, every section 64-byte aligned so a mapped file can be viewed
/// as typed spans in place):
/// <code>
/// header (64 B): magic "MAASICF\0" | u32 version | u32 precision | i32 items | i32 neighbours | i32 sections |
///                u32 reserved | u64 file length | u32 body CRC-32C | u32 header CRC-32C (of bytes 0..47) | 8 B zero
/// section table: sections × (u32 id | u32 reserved | u64 offset | u64 length)
/// sections:      see <see cref="SectionId"/>
/// </code>
/// The body CRC covers every byte after the header.
/// </summary>
internal static class ArtifactFormat
{
    public const int FormatVersion = 1;
    public const int HeaderSize = 64;
    public const int SectionEntrySize = 24;
    public const int Alignment = 64;
    public static ReadOnlySpan<byte> Magic => "MAASICF\0"u8;

    public enum SectionId : uint
    {
        Offsets = 1,
        Neighbours = 2,
        Weights = 3,
        RowScales = 4,
        Popularity = 5,
        Kinds = 6,
        GenreMasks = 7,
        ItemIdOffsets = 8,
        ItemIdBytes = 9,
        GenreNames = 10,
        Description = 11,
    }

    public static long Align(long x) => (x + Alignment - 1) / Alignment * Alignment;
}
