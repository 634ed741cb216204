namespace MaaS.Models.Text.Featurization;

/// <summary>The serving and training hot path: spans and per-thread buffers instead of strings and lists.</summary>
public sealed partial class TextFeaturizer
{
    // Id spaces up to this many buckets (a 2 MiB bitmap per thread) track seen ids in a bitmap.
    private const int MaxBitmapBuckets = 1 << 24;

    [ThreadStatic]
    private static SpanScratch? t_spanScratch;

    /// <summary>
    /// Featurizes one text into <paramref name="ids"/> without allocating (ASCII text; other text allocates its NFKC
    /// form): the same ids, in the same order, with the same flags as <see cref="Featurize(string, bool)"/> with terms.
    /// Thread-safe.
    /// </summary>
    /// <param name="text">Raw text.</param>
    /// <param name="ids">Receives the ids; at least <see cref="TextFeaturizerSettings.MaxFeatures"/> long.</param>
    /// <exception cref="ArgumentException"><paramref name="ids"/> is shorter than the most features a text keeps.</exception>
    public FeatureSummary Featurize(ReadOnlySpan<char> text, Span<int> ids)
    {
        var none = default(NoFeatureSink);
        return Featurize(text, ids, ref none);
    }

    /// <summary>
    /// <see cref="Featurize(ReadOnlySpan{char}, Span{int})"/>, showing every probed id to <paramref name="sink"/> in
    /// output order as it goes (see <see cref="IFeatureSink"/>).
    /// </summary>
    internal FeatureSummary Featurize<TSink>(ReadOnlySpan<char> text, Span<int> ids, ref TSink sink)
        where TSink : struct, IFeatureSink
    {
        int max = Settings.MaxFeatures;
        if (ids.Length < max)
        {
            throw new ArgumentException($"Needs room for {max} ids, got {ids.Length}.", nameof(ids));
        }

        var scratch = t_spanScratch ??= new SpanScratch();
        var tokens = scratch.Tokens;
        var normalized = Normalize(text, scratch);
        bool truncated = Tokenizer.Tokenize(normalized, Settings.MaxTokens, Settings.MarkNegation, tokens);
        var writer = new IdWriter<TSink>(ids[..max], scratch, Settings.Buckets, sink);
        try
        {
            truncated |= !AddWordNgrams(tokens, scratch, ref writer);
            int wordFeatures = writer.Count;
            if (Settings.CharNgramMin > 0 && tokens.Count > 0 && writer.Count < max)
            {
                truncated |= !AddCharNgrams(tokens, Ascii.IsValid(normalized), scratch, ref writer);
            }

            int count = writer.Count;
            float weight = Settings.Weighting == FeatureWeighting.L2Normalized && count > 0 ? 1f / MathF.Sqrt(count) : 1f;
            return new FeatureSummary(count, weight, tokens.Count, truncated, wordFeatures);
        }
        finally
        {
            sink = writer.Sink;
            writer.Release();
        }
    }

    private TextFeatures FeaturizeFast(string text)
    {
        var scratch = t_spanScratch ??= new SpanScratch();
        var summary = Featurize(text, scratch.Ids(Settings.MaxFeatures));
        var weights = new float[summary.Count];
        Array.Fill(weights, summary.Weight);
        return new TextFeatures(scratch.Ids(Settings.MaxFeatures)[..summary.Count].ToArray(), weights, null, summary.TokenCount, summary.Truncated, summary.WordFeatureCount);
    }

    // TextNormalizer's rules restricted to ASCII, where NFKC is the identity: controls to spaces, ` to ', lower case.
    private static ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text, SpanScratch scratch)
    {
        if (!Ascii.IsValid(text))
        {
            return TextNormalizer.Normalize(text.ToString());
        }

        var buffer = scratch.Chars(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            buffer[i] = c switch
            {
                '`' => '\'',
                < ' ' or '\u007F' => ' ',
                >= 'A' and <= 'Z' => (char)(c | 0x20),
                _ => c,
            };
        }

        return buffer;
    }

    // Word n-grams, n-major, one running FNV state per start (as the character n-grams): "w:" + forms joined by
    // spaces, a negated word's form being "NEG_" + word. Each n's hashes are computed first, then written in order.
    // False when the feature limit stopped it.
    private bool AddWordNgrams<TSink>(TokenBuffer tokens, SpanScratch scratch, ref IdWriter<TSink> writer)
        where TSink : struct, IFeatureSink
    {
        var states = scratch.States(tokens.Count);
        states.Fill(WordPrefixState);
        for (int n = 1; n <= Settings.WordNgrams && !writer.Full; n++)
        {
            int startsOfN = tokens.Count - n + 1;
            if (startsOfN <= 0)
            {
                break;
            }

            for (int st = 0; st < startsOfN; st++)
            {
                uint h = states[st];
                if (n > 1)
                {
                    h = (h ^ (byte)' ') * Fnv1a32.Prime;
                }

                int t = st + n - 1;
                if (tokens.Negated(t))
                {
                    h = Fnv1a32.AppendUtf16(h, "NEG_");
                }

                states[st] = Fnv1a32.AppendUtf16(h, tokens.Text(t));
            }

            if (!writer.AddAll(states[..startsOfN]))
            {
                return false;
            }
        }

        return true;
    }

    // Character n-grams over the UTF-8 bytes of each unit (the joined text, or each <word>), never splitting a code
    // point. ASCII text (one byte per code point) goes straight from the tokens to the widened hash lanes. False when
    // the feature limit stopped it.
    private bool AddCharNgrams<TSink>(TokenBuffer tokens, bool ascii, SpanScratch scratch, ref IdWriter<TSink> writer)
        where TSink : struct, IFeatureSink
    {
        if (Settings.CharNgramsSpanWords)
        {
            if (ascii)
            {
                var lanes = scratch.Lanes.Begin(' ');
                for (int t = 0; t < tokens.Count; t++)
                {
                    lanes.Append(tokens.Text(t));
                    lanes.Append(' ');
                }

                return AddAsciiCharNgrams(lanes.Values, scratch, ref writer);
            }

            var unit = scratch.Unit.Begin(' ');
            for (int t = 0; t < tokens.Count; t++)
            {
                unit.Append(tokens.Text(t));
                unit.Append(' ');
            }

            return AddCharNgrams(unit.Bytes, scratch, ref writer);
        }

        for (int t = 0; t < tokens.Count; t++)
        {
            if (tokens.Kind(t) != TokenKind.Word)
            {
                continue;
            }

            bool added;
            if (ascii)
            {
                var lanes = scratch.Lanes.Begin('<');
                lanes.Append(tokens.Text(t));
                lanes.Append('>');
                added = AddAsciiCharNgrams(lanes.Values, scratch, ref writer);
            }
            else
            {
                var unit = scratch.Unit.Begin('<');
                unit.Append(tokens.Text(t));
                unit.Append('>');
                added = AddCharNgrams(unit.Bytes, scratch, ref writer);
            }

            if (!added)
            {
                return false;
            }
        }

        return true;
    }

    private bool AddCharNgrams<TSink>(ReadOnlySpan<byte> bytes, SpanScratch scratch, ref IdWriter<TSink> writer)
        where TSink : struct, IFeatureSink
    {
        if (Ascii.IsValid(bytes))
        {
            return AddAsciiCharNgrams(scratch.Widened(bytes), scratch, ref writer);
        }

        var starts = scratch.RuneStarts(bytes);
        int runes = starts.Length - 1;
        var states = scratch.States(runes);
        states.Fill(CharPrefixState);
        for (int n = 1; n <= Settings.CharNgramMax; n++)
        {
            int startsOfN = runes - n + 1;
            if (startsOfN <= 0)
            {
                break;
            }

            for (int st = 0; st < startsOfN; st++)
            {
                states[st] = Fnv1a32.Append(states[st], bytes[starts[st + n - 1]..starts[st + n]]);
            }

            if (n >= Settings.CharNgramMin && !writer.AddAll(states[..startsOfN]))
            {
                return false;
            }
        }

        return true;
    }

    // One byte per code point, so growing the n-grams of every start by one byte is the same step for all starts,
    // done a vector at a time; lanes holds each byte widened to a uint, the width of the hash states.
    private bool AddAsciiCharNgrams<TSink>(ReadOnlySpan<uint> lanes, SpanScratch scratch, ref IdWriter<TSink> writer)
        where TSink : struct, IFeatureSink
    {
        var states = scratch.States(lanes.Length);
        states.Fill(CharPrefixState);
        for (int n = 1; n <= Settings.CharNgramMax; n++)
        {
            int startsOfN = lanes.Length - n + 1;
            if (startsOfN <= 0)
            {
                break;
            }

            Fnv1a32.AppendEach(states[..startsOfN], lanes.Slice(n - 1, startsOfN));
            if (n >= Settings.CharNgramMin && !writer.AddAll(states[..startsOfN]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Writes distinct ids up to the feature limit, as the reference path's Add. Seen ids are a bit per bucket
    /// (reused per thread, cleared again id by id in <see cref="Release"/>), so a probe is a load and a mask with no
    /// branch to mispredict; id spaces too large for a per-thread bitmap use the probing set instead.
    /// </summary>
    private ref struct IdWriter<TSink>
        where TSink : struct, IFeatureSink
    {
        private readonly Span<int> _ids;
        private readonly ulong[]? _bits;
        private readonly FeatureIdSet? _seen;
        private readonly uint _buckets;
        private readonly uint _mask;

        public IdWriter(Span<int> ids, SpanScratch scratch, int buckets, TSink sink)
        {
            _ids = ids;
            _buckets = (uint)buckets;
            _mask = BitOperations.IsPow2(buckets) ? (uint)buckets - 1 : 0;
            Sink = sink;
            if (buckets <= MaxBitmapBuckets)
            {
                _bits = scratch.Bits(buckets);
            }
            else
            {
                _seen = scratch.Seen;
                _seen.Reset(ids.Length);
            }
        }

        public TSink Sink;

        public int Count { get; private set; }

        public readonly bool Full => Count >= _ids.Length;

        /// <summary>Adds the ids of <paramref name="hashes"/> in order; false when the limit stopped it.</summary>
        public bool AddAll(ReadOnlySpan<uint> hashes)
        {
            int count = Count;
            if (_bits is not { } bits || count + hashes.Length > _ids.Length)
            {
                foreach (uint hash in hashes)
                {
                    if (!Add(hash))
                    {
                        return false;
                    }
                }

                return true;
            }

            // Room for every hash, so each id is written at the end and kept only when new (count moves by isNew).
            var ids = _ids;
            var sink = Sink;
            foreach (uint hash in hashes)
            {
                int id = Id(hash);
                ref ulong word = ref bits[id >> 6];
                int isNew = (int)(~(word >> id) & 1);
                word |= 1UL << id;
                ids[count] = id;
                count += isNew;
                sink.Add(id, isNew);
            }

            Count = count;
            Sink = sink;
            return true;
        }

        // False only when the limit is reached and the id is new: a repeat of a kept id costs nothing.
        public bool Add(uint hash)
        {
            int id = Id(hash);
            if (Count >= _ids.Length)
            {
                bool seen = _bits is { } b ? (b[id >> 6] & (1UL << id)) != 0 : _seen!.Contains(id);
                Sink.Add(id, 0);
                return seen;
            }

            bool isNew;
            if (_bits is { } bits)
            {
                ref ulong word = ref bits[id >> 6];
                isNew = (word & (1UL << id)) == 0;
                word |= 1UL << id;
            }
            else
            {
                isNew = _seen!.Add(id);
            }

            if (isNew)
            {
                _ids[Count++] = id;
            }

            Sink.Add(id, isNew ? 1 : 0);
            return true;
        }

        /// <summary>Clears the bits this text set, leaving the thread's bitmap empty for the next one.</summary>
        public readonly void Release()
        {
            if (_bits is { } bits)
            {
                foreach (int id in _ids[..Count])
                {
                    bits[id >> 6] = 0;
                }
            }
        }

        private readonly int Id(uint hash) => (int)(_mask != 0 ? hash & _mask : hash % _buckets);
    }

    private sealed class SpanScratch
    {
        private char[] _chars = new char[512];
        private int[] _ids = [];
        private uint[] _states = new uint[512];
        private uint[] _widened = new uint[512];
        private int[] _runeStarts = new int[512];
        private ulong[] _bits = [];

        public TokenBuffer Tokens { get; } = new();

        public FeatureIdSet Seen { get; } = new();

        public AsciiLanes Lanes { get; } = new();

        // One bit per bucket, all clear between texts (IdWriter.Release).
        public ulong[] Bits(int buckets) => Grow(ref _bits, (buckets + 63) / 64);

        public Utf8Unit Unit { get; } = new();

        public Span<char> Chars(int length) => Grow(ref _chars, length).AsSpan(0, length);

        public Span<int> Ids(int length) => Grow(ref _ids, length).AsSpan(0, length);

        public Span<uint> States(int length) => Grow(ref _states, length).AsSpan(0, length);

        // Each byte as a uint, the lane width of the hash states.
        public ReadOnlySpan<uint> Widened(ReadOnlySpan<byte> bytes)
        {
            var widened = Grow(ref _widened, bytes.Length).AsSpan(0, bytes.Length);
            for (int i = 0; i < bytes.Length; i++)
            {
                widened[i] = bytes[i];
            }

            return widened;
        }

        // Byte offset of each code point plus the end, so n-grams never split a UTF-8 sequence.
        public Span<int> RuneStarts(ReadOnlySpan<byte> bytes)
        {
            var starts = Grow(ref _runeStarts, bytes.Length + 1);
            int count = 0;
            for (int b = 0; b < bytes.Length; b++)
            {
                if ((bytes[b] & 0xC0) != 0x80)
                {
                    starts[count++] = b;
                }
            }

            starts[count++] = bytes.Length;
            return starts.AsSpan(0, count);
        }

        private static T[] Grow<T>(ref T[] array, int length)
        {
            if (array.Length < length)
            {
                array = new T[Math.Max(length, array.Length * 2)];
            }

            return array;
        }
    }

    /// <summary>A reused buffer one character n-gram unit is built in; grows, never shrinks.</summary>
    private abstract class UnitBuffer<T>
    {
        private T[] _values = new T[1024];

        public ReadOnlySpan<T> Values => _values.AsSpan(0, Length);

        protected int Length { get; set; }

        // Room for at least `more` values after the current ones.
        protected Span<T> Reserve(int more)
        {
            if (Length + more > _values.Length)
            {
                Array.Resize(ref _values, Math.Max(_values.Length * 2, Length + more));
            }

            return _values.AsSpan(Length);
        }
    }

    /// <summary>The characters of one ASCII unit, each widened to a uint hash lane.</summary>
    private sealed class AsciiLanes : UnitBuffer<uint>
    {
        public AsciiLanes Begin(char first)
        {
            Length = 0;
            Append(first);
            return this;
        }

        public void Append(char c)
        {
            Reserve(1)[0] = c;
            Length++;
        }

        public void Append(ReadOnlySpan<char> text)
        {
            var values = Reserve(text.Length);
            for (int i = 0; i < text.Length; i++)
            {
                values[i] = text[i];
            }

            Length += text.Length;
        }
    }

    /// <summary>The UTF-8 bytes of one unit.</summary>
    private sealed class Utf8Unit : UnitBuffer<byte>
    {
        public ReadOnlySpan<byte> Bytes => Values;

        public Utf8Unit Begin(char first)
        {
            Length = 0;
            Append(first);
            return this;
        }

        public void Append(char c)
        {
            Reserve(1)[0] = (byte)c;
            Length++;
        }

        // Lone surrogates become U+FFFD's bytes, as Encoding.UTF8.GetBytes over the joined string gives.
        public void Append(ReadOnlySpan<char> text) => Length += Encoding.UTF8.GetBytes(text, Reserve(Encoding.UTF8.GetMaxByteCount(text.Length)));
    }
}
