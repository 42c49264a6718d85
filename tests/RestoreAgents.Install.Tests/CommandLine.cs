using System.Text;

namespace RestoreAgents.Install.Tests;

/// <summary>Splits a systemd command line or assignment list into words, as systemd does with its quotes.</summary>
public static class CommandLine
{
    public static IReadOnlyList<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else if (c == '\\' && i + 1 < text.Length) word.Append(text[++i]);
                else word.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                if (c == '\\' && i + 1 < text.Length) c = text[++i];
                word.Append(c);
                inWord = true;
            }
        }
        if (quote != '\0') throw new FormatException($"unbalanced {quote} in: {text}");
        if (inWord) words.Add(word.ToString());
        return words;
    }
}
