using System.Text;

namespace MaaS.Services.Training;

/// <summary>
/// RFC 4180 records with a chosen delimiter: quoted fields may hold delimiters, doubled quotes and line breaks. Tabs
/// separate without quoting (IANA's text/tab-separated-values has none), so a sentence may start with a quote.
/// </summary>
internal static class DelimitedText
{
    public static IEnumerable<string[]> Read(string text, char delimiter)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, any = false;
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            any = true;
            if (quoted)
            {
                if (ch != '"')
                {
                    field.Append(ch);
                }
                else if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (ch == '"' && field.Length == 0 && delimiter != '\t')
            {
                quoted = true;
            }
            else if (ch == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (ch == '\n')
            {
                fields.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                yield return [.. fields];
                fields.Clear();
                any = false;
            }
            else
            {
                field.Append(ch);
            }
        }

        if (any)
        {
            fields.Add(field.ToString().TrimEnd('\r'));
            yield return [.. fields];
        }
    }
}
