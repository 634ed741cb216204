using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using static MaaS.Recommendations.Artifacts.ArtifactFormat;

namespace MaaS.Recommendations.Artifacts;

/// <summary>
/// Writes and reads the versioned, checksummed binary artifact of an <see cref="ItemIndex"/> (format in
/// <see cref="ArtifactFormat"/>). Stateless and thread-safe. The model registry serves it as the <c>item-cf</c> kind.
/// </summary>
public static class ItemIndexArtifact
{
    /// <summary>Conventional file name inside a model version folder.</summary>
    public const string FileName = "index.maasicf";

    /// <summary>Serialises the index to bytes.</summary>
    public static byte[] ToBytes(ItemIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var sections = new List<(SectionId Id, byte[] Data)>
        {
            (SectionId.Offsets, Bytes<int>(index.Offsets)),
            (SectionId.Neighbours, Bytes<int>(index.Neighbours)),
            (SectionId.Weights, index.Weights.Precision switch
            {
                WeightPrecision.Float32 => Bytes<float>(index.Weights.F32!),
                WeightPrecision.Float16 => Bytes<Half>(index.Weights.F16!),
                _ => Bytes<sbyte>(index.Weights.I8!),
            }),
            (SectionId.RowScales, Bytes<float>(index.Weights.RowScales ?? [])),
            (SectionId.Popularity, Bytes<float>(index.Popularity)),
            (SectionId.Kinds, index.Catalog.Kinds.ToArray()),
            (SectionId.GenreMasks, Bytes<ulong>(index.Catalog.GenreMasks)),
        };
        var (idOffsets, idBytes) = EncodeStrings(index.Items.Ids);
        sections.Add((SectionId.ItemIdOffsets, Bytes<int>(idOffsets)));
        sections.Add((SectionId.ItemIdBytes, idBytes));
        sections.Add((SectionId.GenreNames, Encoding.UTF8.GetBytes(string.Join('\n', index.Catalog.GenreNames))));
        sections.Add((SectionId.Description, Encoding.UTF8.GetBytes(index.Description)));

        long cursor = Align(HeaderSize + (sections.Count * SectionEntrySize));
        var placed = new List<(SectionId Id, long Offset, byte[] Data)>();
        foreach (var (id, data) in sections)
        {
            placed.Add((id, cursor, data));
            cursor = Align(cursor + data.Length);
        }

        var file = new byte[cursor];
        var span = file.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)index.Precision);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], index.ItemCount);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], index.NeighbourCount);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sections.Count);
        BinaryPrimitives.WriteInt64LittleEndian(span[32..], file.LongLength);
        for (int s = 0; s < placed.Count; s++)
        {
            var entry = span[(HeaderSize + (s * SectionEntrySize))..];
            BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)placed[s].Id);
            BinaryPrimitives.WriteInt64LittleEndian(entry[8..], placed[s].Offset);
            BinaryPrimitives.WriteInt64LittleEndian(entry[16..], placed[s].Data.Length);
            placed[s].Data.CopyTo(span[(int)placed[s].Offset..]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], Crc32C.Compute(span[HeaderSize..]));
        BinaryPrimitives.WriteUInt32LittleEndian(span[44..], Crc32C.Compute(span[..44]));
        return file;
    }

    /// <summary>Writes the artifact to a stream (the caller owns and disposes it).</summary>
    public static void Write(ItemIndex index, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(ToBytes(index));
    }

    /// <summary>Writes the artifact to a file atomically (temporary file, then rename).</summary>
    public static void Save(ItemIndex index, string path)
    {
        string temp = path + ".tmp";
        File.WriteAllBytes(temp, ToBytes(index));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Maps the file read-only, validates it and builds the index from the mapped sections.</summary>
    public static unsafe ArtifactReadResult Load(string path)
    {
        if (!File.Exists(path))
        {
            return new(null, ArtifactError.NotFound, "The artifact file does not exist.");
        }

        long length = new FileInfo(path).Length;
        if (length < HeaderSize)
        {
            return new(null, ArtifactError.Truncated, "The file is shorter than the header.");
        }

        using var mapped = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = mapped.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        try
        {
            return Read(new ReadOnlySpan<byte>(pointer + view.PointerOffset, checked((int)length)));
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    /// <summary>Reads a whole artifact from a stream (the caller owns and disposes it) and validates it.</summary>
    public static ArtifactReadResult Read(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var buffer = new MemoryStream();
        source.CopyTo(buffer);
        return Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Validates and reads an artifact held in memory.</summary>
    public static ArtifactReadResult Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < HeaderSize)
        {
            return new(null, ArtifactError.Truncated, "The data is shorter than the header.");
        }

        if (!file[..8].SequenceEqual(Magic))
        {
            return new(null, ArtifactError.BadMagic, "Not an item-CF index artifact.");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(file[44..]) != Crc32C.Compute(file[..44]))
        {
            return new(null, ArtifactError.ChecksumMismatch, "Header checksum mismatch.");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(file[8..]);
        if (version != FormatVersion)
        {
            return new(null, ArtifactError.UnsupportedVersion, $"Format version {version}; this reader knows {FormatVersion}.");
        }

        long declared = BinaryPrimitives.ReadInt64LittleEndian(file[32..]);
        if (declared != file.Length)
        {
            return new(null, ArtifactError.Truncated, $"Declared length {declared}, actual {file.Length}.");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(file[40..]) != Crc32C.Compute(file[HeaderSize..]))
        {
            return new(null, ArtifactError.ChecksumMismatch, "Body checksum mismatch.");
        }

        try
        {
            return Decode(file);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or OverflowException or IndexOutOfRangeException)
        {
            return new(null, ArtifactError.Corrupt, e.Message);
        }
    }

    private static ArtifactReadResult Decode(ReadOnlySpan<byte> file)
    {
        var precision = (WeightPrecision)BinaryPrimitives.ReadUInt32LittleEndian(file[12..]);
        int items = BinaryPrimitives.ReadInt32LittleEndian(file[16..]);
        int neighbours = BinaryPrimitives.ReadInt32LittleEndian(file[20..]);
        int sectionCount = BinaryPrimitives.ReadInt32LittleEndian(file[24..]);
        if (!Enum.IsDefined(precision) || items < 0 || neighbours < 0 || sectionCount is < 0 or > 64)
        {
            throw new InvalidDataException("Header fields out of range.");
        }

        var sections = new Dictionary<SectionId, (long Offset, long Length)>();
        for (int s = 0; s < sectionCount; s++)
        {
            var entry = file.Slice(HeaderSize + (s * SectionEntrySize), SectionEntrySize);
            long offset = BinaryPrimitives.ReadInt64LittleEndian(entry[8..]);
            long len = BinaryPrimitives.ReadInt64LittleEndian(entry[16..]);
            if (offset < HeaderSize || len < 0 || offset + len > file.Length)
            {
                throw new InvalidDataException("A section lies outside the file.");
            }

            sections[(SectionId)BinaryPrimitives.ReadUInt32LittleEndian(entry)] = (offset, len);
        }

        ReadOnlySpan<byte> Section(SectionId id, ReadOnlySpan<byte> all) =>
            sections.TryGetValue(id, out var at) ? all.Slice((int)at.Offset, (int)at.Length) : throw new InvalidDataException($"Section {id} is missing.");

        var offsets = Array<int>(Section(SectionId.Offsets, file), items + 1);
        var nbrs = Array<int>(Section(SectionId.Neighbours, file), neighbours);
        if (offsets[0] != 0 || offsets[items] != neighbours)
        {
            throw new InvalidDataException("Neighbour offsets do not span the neighbour array.");
        }

        for (int i = 0; i < items; i++)
        {
            if (offsets[i + 1] < offsets[i])
            {
                throw new InvalidDataException("Neighbour offsets are not monotonic.");
            }

            for (int k = offsets[i]; k < offsets[i + 1]; k++)
            {
                // Rows must be ascending (binary search relies on it) and in range (kernels do not re-check).
                if ((uint)nbrs[k] >= (uint)items || (k > offsets[i] && nbrs[k] <= nbrs[k - 1]))
                {
                    throw new InvalidDataException("A neighbour id is out of range or out of order.");
                }
            }
        }

        var weightBytes = Section(SectionId.Weights, file);
        var weights = precision switch
        {
            WeightPrecision.Float32 => NeighbourWeights.FromRaw(precision, Array<float>(weightBytes, neighbours), null, null, null),
            WeightPrecision.Float16 => NeighbourWeights.FromRaw(precision, null, Array<Half>(weightBytes, neighbours), null, null),
            _ => NeighbourWeights.FromRaw(precision, null, null, Array<sbyte>(weightBytes, neighbours), Array<float>(Section(SectionId.RowScales, file), items)),
        };
        var popularity = Array<float>(Section(SectionId.Popularity, file), items);
        var kinds = Array<byte>(Section(SectionId.Kinds, file), items);
        var masks = Array<ulong>(Section(SectionId.GenreMasks, file), items);
        var idOffsets = Array<int>(Section(SectionId.ItemIdOffsets, file), items + 1);
        var idBytes = Section(SectionId.ItemIdBytes, file);
        var ids = new string[items];
        for (int i = 0; i < items; i++)
        {
            if (idOffsets[i] < 0 || idOffsets[i + 1] < idOffsets[i] || idOffsets[i + 1] > idBytes.Length)
            {
                throw new InvalidDataException("Item id offsets are inconsistent.");
            }

            ids[i] = Encoding.UTF8.GetString(idBytes[idOffsets[i]..idOffsets[i + 1]]);
        }

        string genreText = Encoding.UTF8.GetString(Section(SectionId.GenreNames, file));
        string[] genres = genreText.Length == 0 ? [] : genreText.Split('\n');
        string description = Encoding.UTF8.GetString(Section(SectionId.Description, file));
        var index = new ItemIndex(new IdMap(ids), offsets, nbrs, weights, popularity, new ItemCatalog(kinds, masks, genres), description);
        return new ArtifactReadResult(index, ArtifactError.None);
    }

    private static T[] Array<T>(ReadOnlySpan<byte> bytes, int count)
        where T : unmanaged
    {
        if (bytes.Length != count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>())
        {
            throw new InvalidDataException($"A section of {typeof(T).Name} has the wrong length.");
        }

        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    private static byte[] Bytes<T>(T[] values)
        where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static (int[] Offsets, byte[] Bytes) EncodeStrings(IReadOnlyList<string> strings)
    {
        var offsets = new int[strings.Count + 1];
        using var buffer = new MemoryStream();
        for (int i = 0; i < strings.Count; i++)
        {
            var b = Encoding.UTF8.GetBytes(strings[i]);
            buffer.Write(b);
            offsets[i + 1] = offsets[i] + b.Length;
        }

        return (offsets, buffer.ToArray());
    }
}
