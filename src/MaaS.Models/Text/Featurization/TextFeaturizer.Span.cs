using System.Numerics;

namespace MaaS.Models.Text.Featurization;

/// <summary>The serving and training hot path: spans and per-thread buffers instead of strings and lists.</summary>
public sealed partial class TextFeaturizer
{
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
        int max = Settings.MaxFeatures;
        if (ids.Length < max)
        {
            throw new ArgumentException($"Needs room for {max} ids, got {ids.Length}.", nameof(ids));
        }

        var scratch = t_spanScratch ??= new SpanScratch();
        var tokens = scratch.Tokens;
        bool truncated = Tokenizer.Tokenize(Normalize(text, scratch), Settings.MaxTokens, Settings.MarkNegation, tokens);
        var writer = new IdWriter(ids[..max], scratch.Seen, Settings.Buckets);
        truncated |= !AddWordNgrams(tokens, scratch, ref writer);
        int wordFeatures = writer.Count;
        if (Settings.CharNgramMin > 0 && tokens.Count > 0 && writer.Count < max)
        {
            truncated |= !AddCharNgrams(tokens, scratch, ref writer);
        }

        int count = writer.Count;
        float weight = Settings.Weighting == FeatureWeighting.L2Normalized && count > 0 ? 1f / MathF.Sqrt(count) : 1f;
        return new FeatureSummary(count, weight, tokens.Count, truncated, wordFeatures);
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
    // spaces, a negated word's form being "NEG_" + word. False when the feature limit stopped it.
    private bool AddWordNgrams(TokenBuffer tokens, SpanScratch scratch, ref IdWriter writer)
    {
        var states = scratch.States(tokens.Count);
        for (int st = 0; st < tokens.Count; st++)
        {
            states[st] = WordPrefixState;
        }

        for (int n = 1; n <= Settings.WordNgrams && !writer.Full; n++)
        {
            for (int st = 0; st + n <= tokens.Count; st++)
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

                states[st] = h = Fnv1a32.AppendUtf16(h, tokens.Text(t));
                if (!writer.Add(h))
                {
                    return false;
                }
            }
        }

        return true;
    }

    // Character n-grams over the UTF-8 bytes of each unit (the joined text, or each <word>), never splitting a code
    // point. False when the feature limit stopped it.
    private bool AddCharNgrams(TokenBuffer tokens, SpanScratch scratch, ref IdWriter writer)
    {
        if (Settings.CharNgramsSpanWords)
        {
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

            var unit = scratch.Unit.Begin('<');
            unit.Append(tokens.Text(t));
            unit.Append('>');
            if (!AddCharNgrams(unit.Bytes, scratch, ref writer))
            {
                return false;
            }
        }

        return true;
    }

    private bool AddCharNgrams(ReadOnlySpan<byte> bytes, SpanScratch scratch, ref IdWriter writer)
    {
        bool ascii = Ascii.IsValid(bytes);
        Span<int> starts = ascii ? default : scratch.RuneStarts(bytes);
        int runes = ascii ? bytes.Length : starts.Length - 1;
        var states = scratch.States(runes);
        states.Fill(CharPrefixState);
        // ASCII: one byte per code point, so growing the n-grams of every start by one byte is the same step for all
        // starts, done a vector at a time.
        var widened = ascii ? scratch.Widened(bytes) : default;
        for (int n = 1; n <= Settings.CharNgramMax; n++)
        {
            int startsOfN = runes - n + 1;
            if (startsOfN <= 0)
            {
                break;
            }

            if (ascii)
            {
                Fnv1a32.AppendEach(states[..startsOfN], widened.Slice(n - 1, startsOfN));
            }
            else
            {
                for (int st = 0; st < startsOfN; st++)
                {
                    states[st] = Fnv1a32.Append(states[st], bytes[starts[st + n - 1]..starts[st + n]]);
                }
            }

            if (n < Settings.CharNgramMin)
            {
                continue;
            }

            for (int st = 0; st < startsOfN; st++)
            {
                if (!writer.Add(states[st]))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Writes distinct ids up to the feature limit, as the reference path's Add.</summary>
    private ref struct IdWriter(Span<int> ids, FeatureIdSet seen, int buckets)
    {
        private readonly Span<int> _ids = ids;
        private readonly FeatureIdSet _seen = Reset(seen, ids.Length);
        private readonly uint _buckets = (uint)buckets;
        private readonly uint _mask = BitOperations.IsPow2(buckets) ? (uint)buckets - 1 : 0;

        public int Count { get; private set; }

        public readonly bool Full => Count >= _ids.Length;

        // False only when the limit is reached and the id is new: a repeat of a kept id costs nothing.
        public bool Add(uint hash)
        {
            int id = (int)(_mask != 0 ? hash & _mask : hash % _buckets);
            if (Count >= _ids.Length)
            {
                return _seen.Contains(id);
            }

            if (_seen.Add(id))
            {
                _ids[Count++] = id;
            }

            return true;
        }

        private static FeatureIdSet Reset(FeatureIdSet seen, int max)
        {
            seen.Reset(max);
            return seen;
        }
    }

    private sealed class SpanScratch
    {
        private char[] _chars = new char[512];
        private int[] _ids = [];
        private uint[] _states = new uint[512];
        private uint[] _widened = new uint[512];
        private int[] _runeStarts = new int[512];

        public TokenBuffer Tokens { get; } = new();

        public FeatureIdSet Seen { get; } = new();

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

    /// <summary>The UTF-8 bytes of one character n-gram unit, built in a reused buffer.</summary>
    private sealed class Utf8Unit
    {
        private byte[] _bytes = new byte[1024];
        private int _length;

        public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, _length);

        public Utf8Unit Begin(char first)
        {
            _length = 0;
            Append(first);
            return this;
        }

        public void Append(char c)
        {
            Reserve(1);
            _bytes[_length++] = (byte)c;
        }

        // Lone surrogates become U+FFFD's bytes, as Encoding.UTF8.GetBytes over the joined string gives.
        public void Append(ReadOnlySpan<char> text)
        {
            Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
            _length += Encoding.UTF8.GetBytes(text, _bytes.AsSpan(_length));
        }

        private void Reserve(int more)
        {
            if (_length + more > _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + more));
            }
        }
    }
}
