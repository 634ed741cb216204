using System.Globalization;

namespace MaaS.Agents.Rules;

/// <summary>
/// Recursive descent over the rule language: or → and → not → comparison. Names are resolved against the schema
/// here, once, so that evaluation is array indexing only.
/// </summary>
internal sealed class ConditionParser
{
    private readonly string _text;
    private readonly FeatureSchema _schema;
    private int _position;

    private ConditionParser(string text, FeatureSchema schema)
    {
        _text = text;
        _schema = schema;
    }

    /// <summary>The compiled condition, or a message naming the position of the first error.</summary>
    public static (Condition? Condition, string? Error) Parse(string text, FeatureSchema schema)
    {
        var parser = new ConditionParser(text, schema);
        try
        {
            Condition condition = parser.ParseOr();
            parser.SkipSpace();
            return parser._position < text.Length
                ? (null, $"Unexpected '{text[parser._position..]}' at position {parser._position}.")
                : (condition, null);
        }
        catch (FormatException e)
        {
            return (null, e.Message);
        }
    }

    private Condition ParseOr()
    {
        Condition left = ParseAnd();
        while (TryKeyword("or"))
        {
            left = new OrCondition(left, ParseAnd());
        }
        return left;
    }

    private Condition ParseAnd()
    {
        Condition left = ParseNot();
        while (TryKeyword("and"))
        {
            left = new AndCondition(left, ParseNot());
        }
        return left;
    }

    private Condition ParseNot()
    {
        if (TryKeyword("not"))
        {
            return new NotCondition(ParseNot());
        }
        SkipSpace();
        if (TryChar('('))
        {
            Condition inner = ParseOr();
            SkipSpace();
            return TryChar(')') ? inner : throw Error("Expected ')'");
        }
        if (TryKeyword("true"))
        {
            return new ConstantCondition(true);
        }
        return TryKeyword("false") ? new ConstantCondition(false) : ParseComparison();
    }

    private Condition ParseComparison()
    {
        SkipSpace();
        int start = _position;
        object left = ParseOperand();
        Comparison op = ParseOperator();
        object right = ParseOperand();
        if (left is NumberOperand l && right is NumberOperand r)
        {
            return new NumberComparison(l, op, r);
        }
        // The only string comparison: action.id against a quoted name, either way round.
        string? id = (left, right) switch
        {
            (ActionIdMarker, string s) => s,
            (string s, ActionIdMarker) => s,
            _ => null,
        };
        if (id is null || (op != Comparison.Equal && op != Comparison.NotEqual))
        {
            throw new FormatException($"At position {start}: only numbers compare with < <= > >= == !=, and action.id only with == or != to a quoted name.");
        }
        return new ActionIdComparison(id, op == Comparison.Equal);
    }

    private object ParseOperand()
    {
        SkipSpace();
        if (_position >= _text.Length)
        {
            throw Error("Expected a feature, a number or a quoted name");
        }
        char c = _text[_position];
        if (c is '"' or '\'')
        {
            int end = _text.IndexOf(c, _position + 1);
            if (end < 0)
            {
                throw Error("Unterminated string");
            }
            string value = _text[(_position + 1)..end];
            _position = end + 1;
            return value;
        }
        if (char.IsDigit(c) || c is '-' or '+' or '.')
        {
            int start = _position;
            _position++;
            while (_position < _text.Length && (char.IsDigit(_text[_position]) || _text[_position] is '.' or 'e' or 'E'
                || (_text[_position] is '-' or '+' && _text[_position - 1] is 'e' or 'E')))
            {
                _position++;
            }
            return double.TryParse(_text.AsSpan(start, _position - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
                && double.IsFinite(number)
                ? new ConstantNumber(number)
                : throw new FormatException($"At position {start}: '{_text[start.._position]}' is not a number.");
        }
        string name = ReadName();
        if (name.StartsWith("context.", StringComparison.Ordinal))
        {
            int index = _schema.ContextIndex(name["context.".Length..]);
            return index >= 0 ? new ContextFeature(index) : throw new FormatException($"Unknown context feature '{name}'.");
        }
        if (name == "action.id")
        {
            return ActionIdMarker.Instance;
        }
        if (name.StartsWith("action.", StringComparison.Ordinal))
        {
            int index = _schema.ActionIndex(name["action.".Length..]);
            return index >= 0 ? new ActionFeature(index) : throw new FormatException($"Unknown action feature '{name}'.");
        }
        throw new FormatException($"'{name}' is neither context.NAME, action.NAME nor action.id.");
    }

    private Comparison ParseOperator()
    {
        SkipSpace();
        ReadOnlySpan<char> rest = _text.AsSpan(_position);
        (Comparison op, int length) = rest switch
        {
            _ when rest.StartsWith("<=") => (Comparison.LessOrEqual, 2),
            _ when rest.StartsWith(">=") => (Comparison.GreaterOrEqual, 2),
            _ when rest.StartsWith("==") => (Comparison.Equal, 2),
            _ when rest.StartsWith("!=") => (Comparison.NotEqual, 2),
            _ when rest.StartsWith("<") => (Comparison.Less, 1),
            _ when rest.StartsWith(">") => (Comparison.Greater, 1),
            _ => throw Error("Expected one of < <= > >= == !="),
        };
        _position += length;
        return op;
    }

    private string ReadName()
    {
        int start = _position;
        while (_position < _text.Length && (char.IsLetterOrDigit(_text[_position]) || _text[_position] is '_' or '.' or '-'))
        {
            _position++;
        }
        return _position > start ? _text[start.._position] : throw Error("Expected a feature, a number or a quoted name");
    }

    private bool TryKeyword(string keyword)
    {
        SkipSpace();
        int end = _position + keyword.Length;
        if (end <= _text.Length && string.Compare(_text, _position, keyword, 0, keyword.Length, StringComparison.OrdinalIgnoreCase) == 0
            && (end == _text.Length || !(char.IsLetterOrDigit(_text[end]) || _text[end] is '_' or '.')))
        {
            _position = end;
            return true;
        }
        return false;
    }

    private bool TryChar(char c)
    {
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }
        return false;
    }

    private void SkipSpace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private FormatException Error(string message) => new($"{message} at position {_position}.");

    private sealed class ActionIdMarker
    {
        public static readonly ActionIdMarker Instance = new();
    }
}
