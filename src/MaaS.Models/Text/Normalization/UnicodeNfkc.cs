using System.Collections.Frozen;

namespace MaaS.Models.Text.Normalization;

/// <summary>
/// Unicode NFKC over tables generated from Python's <c>unicodedata</c> (see <c>generate-nfkc-table.py</c>).
/// </summary>
/// <remarks>
/// The featurizer cannot use <see cref="string.Normalize(NormalizationForm)"/>: under
/// <c>InvariantGlobalization</c> (set for every MaaS project) it returns its input unchanged, and with ICU its result
/// would depend on the host's ICU version, so a model trained on one machine could be featurized differently on
/// another. Thread-safe; the tables are built once.
/// </remarks>
internal static class UnicodeNfkc
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Lazy<Tables> Data = new(Tables.Parse, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Unicode version of the tables.</summary>
    public static string UnicodeVersion => UnicodeNfkcData.UnicodeVersion;

    /// <summary>
    /// Returns the NFKC form of <paramref name="text"/>. Unpaired surrogates are replaced by U+FFFD first, so any
    /// string (also one decoded from garbage bytes) has a defined result.
    /// </summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Ascii.IsValid(text))
        {
            return text; // ASCII is NFKC-stable: the common case pays nothing.
        }

        var tables = Data.Value;
        var buffer = new List<int>(text.Length + 8);
        for (int i = 0; i < text.Length; i++)
        {
            int cp = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                cp = char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                cp = 0xFFFD;
            }

            Decompose(cp, tables, buffer);
        }

        Reorder(buffer, tables);
        Compose(buffer, tables);

        var sb = new StringBuilder(buffer.Count);
        foreach (int cp in buffer)
        {
            sb.Append(new Rune(cp));
        }

        return sb.ToString();
    }

    private static void Decompose(int cp, Tables tables, List<int> output)
    {
        if (cp is >= SBase and < SBase + SCount)
        {
            int s = cp - SBase;
            output.Add(LBase + s / NCount);
            output.Add(VBase + s % NCount / TCount);
            if (s % TCount != 0)
            {
                output.Add(TBase + s % TCount);
            }
        }
        else if (tables.Decompositions.TryGetValue(cp, out int[]? mapping))
        {
            output.AddRange(mapping);
        }
        else
        {
            output.Add(cp);
        }
    }

    // Canonical ordering: a stable sort of each run of non-starters by combining class.
    private static void Reorder(List<int> cps, Tables tables)
    {
        for (int i = 1; i < cps.Count; i++)
        {
            int ccc = tables.Ccc(cps[i]);
            if (ccc == 0)
            {
                continue;
            }

            int j = i;
            while (j > 0 && tables.Ccc(cps[j - 1]) > ccc)
            {
                (cps[j - 1], cps[j]) = (cps[j], cps[j - 1]);
                j--;
            }
        }
    }

    // Canonical composition (UAX #15): each character composes with the last starter unless blocked.
    private static void Compose(List<int> cps, Tables tables)
    {
        if (cps.Count < 2)
        {
            return;
        }

        int starter = 0;
        int lastCcc = tables.Ccc(cps[0]) == 0 ? 0 : 256;
        int write = 1;
        for (int read = 1; read < cps.Count; read++)
        {
            int cp = cps[read];
            int ccc = tables.Ccc(cp);
            int composite = Composite(cps[starter], cp, tables);
            if (composite >= 0 && (lastCcc < ccc || lastCcc == 0))
            {
                cps[starter] = composite;
                continue;
            }

            if (ccc == 0)
            {
                starter = write;
            }

            lastCcc = ccc;
            cps[write++] = cp;
        }

        cps.RemoveRange(write, cps.Count - write);
    }

    private static int Composite(int a, int b, Tables tables)
    {
        if (a is >= LBase and < LBase + LCount && b is >= VBase and < VBase + VCount)
        {
            return SBase + ((a - LBase) * VCount + (b - VBase)) * TCount;
        }

        if (a is >= SBase and < SBase + SCount && (a - SBase) % TCount == 0 && b is > TBase and < TBase + TCount)
        {
            return a + (b - TBase);
        }

        return tables.Compositions.TryGetValue(((long)a << 21) | (uint)b, out int c) ? c : -1;
    }

    private sealed class Tables
    {
        private Tables(FrozenDictionary<int, int[]> decompositions, FrozenDictionary<int, byte> ccc, FrozenDictionary<long, int> compositions)
        {
            Decompositions = decompositions;
            CombiningClasses = ccc;
            Compositions = compositions;
        }

        public FrozenDictionary<int, int[]> Decompositions { get; }
        public FrozenDictionary<int, byte> CombiningClasses { get; }
        public FrozenDictionary<long, int> Compositions { get; }

        public int Ccc(int cp) => cp < 0x300 ? 0 : CombiningClasses.GetValueOrDefault(cp);

        public static Tables Parse()
        {
            var decompositions = new Dictionary<int, int[]>();
            var ccc = new Dictionary<int, byte>();
            var compositions = new Dictionary<long, int>();
            foreach (var range in UnicodeNfkcData.Table.AsSpan().Split('\n'))
            {
                var line = UnicodeNfkcData.Table.AsSpan()[range].Trim();
                if (line.Length < 3)
                {
                    continue;
                }

                int colon = line.IndexOf(':');
                var key = line[2..colon];
                var value = line[(colon + 1)..];
                switch (line[0])
                {
                    case 'D':
                        decompositions[Hex(key)] = ParseList(value);
                        break;
                    case 'C':
                        ccc[Hex(key)] = byte.Parse(value, CultureInfo.InvariantCulture);
                        break;
                    case 'P':
                        int[] pair = ParseList(key);
                        compositions[((long)pair[0] << 21) | (uint)pair[1]] = Hex(value);
                        break;
                }
            }

            return new Tables(decompositions.ToFrozenDictionary(), ccc.ToFrozenDictionary(), compositions.ToFrozenDictionary());
        }

        private static int Hex(ReadOnlySpan<char> s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

        private static int[] ParseList(ReadOnlySpan<char> s)
        {
            var list = new List<int>(4);
            foreach (var part in s.Split(' '))
            {
                list.Add(Hex(s[part]));
            }

            return [.. list];
        }
    }
}
